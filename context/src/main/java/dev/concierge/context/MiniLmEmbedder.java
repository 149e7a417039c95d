package dev.concierge.context;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * all-MiniLM-L6-v2 (quantized, 384 dimensions), run in-process by ONNX Runtime from the model inside its Maven jar:
 * no download, no service. A few milliseconds a sentence on a CPU.
 */
public final class MiniLmEmbedder implements Embedder {
  /** The runtime's native loader logs GPU probing at WARNING through java.util.logging; there is no GPU to find. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("ai.djl");

  static {
    QUIET.setLevel(java.util.logging.Level.SEVERE);
  }

  private final AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();

  @Override
  public int dimensions() {
    return 384;
  }

  @Override
  public float[] embed(String text) {
    float[] v = model.embed(text).content().vector();
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    float scale = norm == 0 ? 1 : (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    return v;
  }
}
