package dev.concierge.cli;

import dev.concierge.context.Embedder;
import dev.concierge.context.OnnxEmbedder;
import picocli.CommandLine.Option;

/** {@code --embedding-model}: which built-in model embeds memories and queries (a store keeps to the one it has). */
final class EmbeddingModelOption {
  @Option(names = "--embedding-model", paramLabel = "NAME", defaultValue = OnnxEmbedder.MINI_LM,
      description = "The embedding model: ${DEFAULT-VALUE} (default, the faster) or " + OnnxEmbedder.E5_SMALL
          + " (better recall, about twice the time a text). A store keeps to the model it was made with; "
          + "'concierge store migrate --embedding-model' copies one into a new store with another.")
  String name;

  /** The model, or {@code null} for lexical-only recall. */
  Embedder embedder(boolean lexical) {
    return lexical ? null : OnnxEmbedder.named(name);
  }
}
