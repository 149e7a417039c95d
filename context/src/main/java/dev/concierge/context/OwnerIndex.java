package dev.concierge.context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A node's copy of what recall needs about one owner's memory versions in PostgreSQL, without their text: the
 * filterable fields, the text and context as PostgreSQL's full-text analysis made them (lexemes and frequencies, from
 * the row's {@code tsvector}), and the embeddings. Both rankings run here, over the owner's versions only, filtered
 * before scoring: BM25 over an inverted index of those lexemes, and exact nearest neighbours over the embeddings — no
 * database extension needed, and no statement whose cost grows with how many rows a common word matches.
 *
 * <p>It is kept current by {@code concierge_owners}: {@link #generation} and {@link #purges} say which state of the
 * owner's rows it holds; rows written since are added by {@link #apply}, and a removal (purges moved) means a reload.
 */
final class OwnerIndex {
  /** BM25's usual parameters (Lucene's defaults, as in the embedded store). */
  private static final double K1 = 1.2;
  private static final double B = 0.75;

  /**
   * The fields of one memory version that filters and ranking read: its text and context as PostgreSQL's
   * {@code english} configuration analysed them ({@code lexemes} and their {@code frequencies}), its embedding, and
   * that of its text alone ({@code textVector}, only for a memory with context).
   */
  record Entry(String id, String scope, String kind, long createdAt, long expiresAt, boolean current, String server,
      Map<String, String> metadata, int tokens, String[] lexemes, int[] frequencies, float[] vector,
      float[] textVector) {}

  /** The versions a lexeme occurs in (positions in {@link #ids}) and how often. Append-only. */
  private static final class Postings {
    int[] docs = new int[4];
    int[] frequencies = new int[4];
    int size;

    void add(int doc, int frequency) {
      if (size == docs.length) {
        docs = Arrays.copyOf(docs, size * 2);
        frequencies = Arrays.copyOf(frequencies, size * 2);
      }
      docs[size] = doc;
      frequencies[size++] = frequency;
    }
  }

  final long purges;
  long generation;
  /** Each version's id and metadata, by position; everything else an entry brought lives in the columns below. */
  private final List<String> ids = new ArrayList<>();
  private final List<Map<String, String>> metadata = new ArrayList<>();
  private final Map<String, Integer> positions = new HashMap<>();
  private final Map<String, Postings> postings = new HashMap<>();
  /*
   * What filters and BM25 read per version, as columns: a scan over 100k versions that dereferenced one Entry each
   * was bound by cache misses (about 20 ms at 100k of one owner); these arrays are read in order. Scope, kind and
   * server are canonical instances of the few distinct strings, so comparing them touches no scattered memory.
   */
  private long[] expiresAt = new long[0];
  private long[] createdAt = new long[0];
  private int[] tokens = new int[0];
  private String[] scopes = new String[0];
  private String[] kinds = new String[0];
  private String[] servers = new String[0];
  private final java.util.BitSet current = new java.util.BitSet();
  private final Map<String, String> canonical = new HashMap<>();
  /** Every version's embedding (of its text with its context), and the text-alone ones of versions with context. */
  private final VectorColumn vectors = new VectorColumn();
  private final VectorColumn textVectors = new VectorColumn();
  /** How many candidates per wanted result the sign pass keeps for exact scoring. */
  private static final int RESCORED = 8;
  private long totalTokens;

  OwnerIndex(long generation, long purges) {
    this.generation = generation;
    this.purges = purges;
  }

  /**
   * Adds a row written since, or replaces the older state of one (an update closes a version: its text, hence its
   * lexemes and embedding, never change).
   */
  void apply(Entry e) {
    Integer at = positions.get(e.id());
    if (at != null) {
      metadata.set(at, e.metadata());
      setColumns(at, e);
      return;
    }
    int doc = ids.size();
    positions.put(e.id(), doc);
    ids.add(e.id());
    metadata.add(e.metadata());
    if (expiresAt.length == doc) {
      int grown = Math.max(16, doc * 2);
      expiresAt = Arrays.copyOf(expiresAt, grown);
      createdAt = Arrays.copyOf(createdAt, grown);
      tokens = Arrays.copyOf(tokens, grown);
      scopes = Arrays.copyOf(scopes, grown);
      kinds = Arrays.copyOf(kinds, grown);
      servers = Arrays.copyOf(servers, grown);
    }
    setColumns(doc, e);
    totalTokens += e.tokens();
    for (int i = 0; i < e.lexemes().length; i++) {
      postings.computeIfAbsent(e.lexemes()[i], k -> new Postings()).add(doc, e.frequencies()[i]);
    }
    vectors.add(doc, e.vector());
    textVectors.add(doc, e.textVector());
  }

  private void setColumns(int doc, Entry e) {
    expiresAt[doc] = e.expiresAt();
    createdAt[doc] = e.createdAt();
    tokens[doc] = e.tokens();
    scopes[doc] = canonical(e.scope());
    kinds[doc] = canonical(e.kind());
    servers[doc] = canonical(e.server());
    current.set(doc, e.current());
  }

  private String canonical(String value) {
    return value == null ? null : canonical.computeIfAbsent(value, v -> v);
  }

  int size() {
    return ids.size();
  }

  /** Whether version {@code doc} passes the filter at {@code now}; reads the columns, the entry only for metadata. */
  private boolean passes(int doc, Filter f, long now) {
    return expiresAt[doc] > now
        && (f.includeHistory() || current.get(doc))
        && (f.scopes().isEmpty() || f.scopes().contains(scopes[doc]))
        && (f.kinds().isEmpty() || f.kinds().contains(kinds[doc]))
        && (f.from() == null || createdAt[doc] >= f.from().toEpochMilli())
        && (f.to() == null || createdAt[doc] < f.to().toEpochMilli())
        && (f.server() == null || f.server().equals(servers[doc]))
        && (f.metadata().isEmpty() || metadataMatches(metadata.get(doc), f.metadata()));
  }

  /**
   * The ids of the {@code depth} versions that pass the filter with the best BM25 score for the query's lexemes (each
   * with how often the query has it), best first. Document frequencies and lengths are the owner's own.
   */
  List<String> lexical(Map<String, Integer> query, Filter filter, Instant now, int depth) {
    long millis = now.toEpochMilli();
    int n = ids.size();
    double averageLength = n == 0 ? 1 : Math.max(1, (double) totalTokens / n);
    double[] scores = new double[n];
    byte[] verdicts = new byte[n]; // 0: not yet checked, 1: passes the filter, 2: does not
    int[] touched = new int[16];
    int count = 0;
    for (Map.Entry<String, Integer> term : query.entrySet()) {
      Postings p = postings.get(term.getKey());
      if (p == null) {
        continue;
      }
      double idf = Math.log(1 + (n - p.size + 0.5) / (p.size + 0.5));
      for (int i = 0; i < p.size; i++) {
        int doc = p.docs[i];
        if (verdicts[doc] == 0) {
          verdicts[doc] = passes(doc, filter, millis) ? (byte) 1 : (byte) 2;
          if (verdicts[doc] == 1) {
            if (count == touched.length) {
              touched = Arrays.copyOf(touched, count * 2);
            }
            touched[count++] = doc;
          }
        }
        if (verdicts[doc] == 2) {
          continue;
        }
        double tf = p.frequencies[i];
        double norm = K1 * (1 - B + B * tokens[doc] / averageLength);
        scores[doc] += term.getValue() * idf * tf * (K1 + 1) / (tf + norm);
      }
    }
    PriorityQueue<Map.Entry<Integer, Double>> best = new PriorityQueue<>(Map.Entry.comparingByValue());
    for (int i = 0; i < count; i++) {
      int doc = touched[i];
      if (best.size() < depth) {
        best.add(Map.entry(doc, scores[doc]));
      } else if (scores[doc] > best.peek().getValue()) {
        best.poll();
        best.add(Map.entry(doc, scores[doc]));
      }
    }
    return ranked(best);
  }

  /**
   * The ids of the {@code depth} versions that pass the filter and are nearest {@code vector}, nearest first: a sign
   * pass over all of them, then the byte-scaled dot product over the best {@code RESCORED * depth}.
   */
  List<String> nearest(float[] vector, Filter filter, Instant now, int depth) {
    long millis = now.toEpochMilli();
    return ranked(vectors.nearest(vector, doc -> passes(doc, filter, millis), ids.size(), depth));
  }

  /** As {@link #nearest}, among the embeddings of versions' texts alone (versions with context only). */
  List<String> nearestByText(float[] vector, Filter filter, Instant now, int depth) {
    long millis = now.toEpochMilli();
    return ranked(textVectors.nearest(vector, doc -> passes(doc, filter, millis), ids.size(), depth));
  }

  private List<String> ranked(PriorityQueue<Map.Entry<Integer, Double>> best) {
    List<String> ranked = new ArrayList<>(best.size());
    while (!best.isEmpty()) {
      ranked.add(ids.get(best.poll().getKey()));
    }
    Collections.reverse(ranked);
    return ranked;
  }

  /**
   * One embedding per version that has one, laid out for a scan. Each component is scaled to a byte, one version
   * after another (a scan reads memory in order): the embeddings are unit vectors, so a component is in [-1, 1] and
   * {@code round(127 x)} keeps its rank order for dot products to within about 0.5 %, while the scan reads a quarter of
   * the memory — at 100k versions the scan is bound by memory bandwidth, not arithmetic.
   */
  private static final class VectorColumn {
    private byte[] bytes = new byte[0];
    /**
     * The sign of each component, 64 to a long: a first pass ranks every version by how many signs it shares with
     * the query (a few popcounts each), and only the best {@link #RESCORED} times {@code depth} are scored on the
     * bytes.
     */
    private long[] signs = new long[0];
    private final java.util.BitSet present = new java.util.BitSet();
    private int dimensions;
    private int words;

    void add(int doc, float[] vector) {
      if (vector == null) {
        return;
      }
      present.set(doc);
      if (dimensions == 0) {
        dimensions = vector.length;
        words = (dimensions + 63) / 64;
      }
      if (bytes.length < (doc + 1) * dimensions) {
        bytes = Arrays.copyOf(bytes, Math.max((doc + 1) * dimensions, bytes.length * 2));
        signs = Arrays.copyOf(signs, Math.max((doc + 1) * words, signs.length * 2));
      }
      for (int i = 0; i < Math.min(dimensions, vector.length); i++) {
        bytes[doc * dimensions + i] = quantize(vector[i]);
        if (vector[i] > 0) {
          signs[doc * words + i / 64] |= 1L << (i % 64);
        }
      }
    }

    /** The {@code depth} best of versions {@code 0..n-1} that have an embedding and pass, as (version, score). */
    PriorityQueue<Map.Entry<Integer, Double>> nearest(float[] vector, java.util.function.IntPredicate passes, int n,
        int depth) {
      PriorityQueue<Map.Entry<Integer, Double>> best = new PriorityQueue<>(Map.Entry.comparingByValue());
      if (dimensions == 0) {
        return best;
      }
      byte[] query = new byte[dimensions];
      long[] querySigns = new long[words];
      for (int i = 0; i < Math.min(dimensions, vector.length); i++) {
        query[i] = quantize(vector[i]);
        if (vector[i] > 0) {
          querySigns[i / 64] |= 1L << (i % 64);
        }
      }
      int keep = Math.max(depth * RESCORED, 400);
      // Candidates by sign agreement, without a heap: every passing version's distance and a histogram of them, then
      // the cut-off distance that keeps `keep` (ties at the cut-off in version order, as a sorted list would).
      int[] distances = new int[n];
      int[] histogram = new int[words * 64 + 1];
      for (int doc = 0; doc < n; doc++) {
        if (!present.get(doc) || !passes.test(doc)) {
          distances[doc] = -1;
          continue;
        }
        int distance = 0;
        for (int w = 0; w < words; w++) {
          distance += Long.bitCount(querySigns[w] ^ signs[doc * words + w]);
        }
        distances[doc] = distance;
        histogram[distance]++;
      }
      int cutoff = 0;
      int within = 0;
      while (cutoff < histogram.length - 1 && within + histogram[cutoff] < keep) {
        within += histogram[cutoff++];
      }
      int atCutoff = keep - within; // how many of the versions exactly at the cut-off distance still fit
      for (int doc = 0; doc < n; doc++) {
        int distance = distances[doc];
        if (distance < 0 || distance > cutoff || (distance == cutoff && atCutoff-- <= 0)) {
          continue;
        }
        double score = dot(query, bytes, doc * dimensions);
        if (best.size() < depth) {
          best.add(Map.entry(doc, score));
        } else if (score > best.peek().getValue()) {
          best.poll();
          best.add(Map.entry(doc, score));
        }
      }
      return best;
    }
  }

  private static boolean metadataMatches(Map<String, String> metadata, Map<String, String> wanted) {
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      if (!e.getValue().equals(metadata.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static byte quantize(float component) {
    return (byte) Math.max(-127, Math.min(127, Math.round(component * 127)));
  }

  /** Four running sums: independent additions the CPU overlaps (one sum would wait on each addition in turn). */
  private static int dot(byte[] query, byte[] all, int offset) {
    int s0 = 0;
    int s1 = 0;
    int s2 = 0;
    int s3 = 0;
    int n = query.length;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += query[i] * all[offset + i];
      s1 += query[i + 1] * all[offset + i + 1];
      s2 += query[i + 2] * all[offset + i + 2];
      s3 += query[i + 3] * all[offset + i + 3];
    }
    for (; i < n; i++) {
      s0 += query[i] * all[offset + i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
