package dev.concierge.cli;

import dev.concierge.context.Embedder;
import dev.concierge.context.MemoryStores;
import dev.concierge.context.OnnxEmbedder;
import java.io.IOException;
import picocli.CommandLine.Option;

/** {@code --embedding-model}: which built-in model embeds memories and queries (a store keeps to the one it has). */
final class EmbeddingModelOption {
  @Option(names = "--embedding-model", paramLabel = "NAME", description = "The embedding model: "
      + OnnxEmbedder.MINI_LM + " (the faster) or " + OnnxEmbedder.E5_SMALL + " (better recall, about 2.5 times the "
      + "time a text). Default: the one the store was made with, " + OnnxEmbedder.MINI_LM + " for a new store. "
      + "'concierge store migrate --embedding-model' copies a store into a new one with another model.")
  String name;

  /** The model for the store at {@code location}, or {@code null} for lexical-only recall. */
  Embedder embedder(boolean lexical, String location) throws IOException {
    if (lexical) {
      return null;
    }
    if (name != null) {
      return OnnxEmbedder.named(name);
    }
    return OnnxEmbedder.named(MemoryStores.recordedModel(location).orElse(OnnxEmbedder.MINI_LM));
  }
}
