package dev.concierge.context;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.FilterMergePolicy;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.TieredMergePolicy;

/**
 * The embedded store's merge policy: Lucene's tiered one, with two changes for forgetting.
 *
 * <ul>
 *   <li>While {@link #target} names segments, a forced-deletes merge rewrites each of them alone and nothing else. A
 *       merge leaves out the deleted documents it reads, so the new segment holds nothing of them and the old one's
 *       files can go; rewriting only the segments that held what a forget removed makes its cost that of those
 *       segments, not of every segment that happens to hold a deleted document.
 *   <li>Without targets (the rewrite a start finishes after a crash, when what was forgotten is no longer known), a
 *       forced-deletes merge rewrites every segment that holds any deleted document: Lucene's default leaves segments
 *       under 10% deleted alone, and their files would keep the forgotten text.
 * </ul>
 *
 * <p>Segments are bounded in size ({@link #MAX_SEGMENT_MB}) because a rewrite is a whole segment, vector graph
 * rebuilt: the largest segment is the slowest a forget can be.
 */
final class ForgetMergePolicy extends FilterMergePolicy {
  /**
   * The largest segment normal merging makes: about 14,000 memories at about 1.8 KB each (1.5 KB of it the vector).
   * With Lucene's default, 5 GB, half the forgets in a 100,000-memory store took 22–38 s on a busy 2-core machine
   * (the segment holding the memory, rewritten whole); with this bound each rewrote about 14,500 memories, 3.5–15 s
   * on the same machine busier still (docs/BENCHMARKS.md). Lower would forget faster, but every segment costs each
   * recall a search of its own.
   */
  static final double MAX_SEGMENT_MB = 25;

  /** Names of the segments to rewrite, or null for every segment with a deleted document. */
  private volatile Set<String> targets;

  ForgetMergePolicy() {
    super(tiered());
  }

  private static TieredMergePolicy tiered() {
    TieredMergePolicy tiered = new TieredMergePolicy();
    tiered.setForceMergeDeletesPctAllowed(0);
    tiered.setMaxMergedSegmentMB(MAX_SEGMENT_MB);
    return tiered;
  }

  /** Limits forced-deletes merges to the segments {@code named}; {@code null} lifts the limit. */
  void target(Set<String> named) {
    targets = named;
  }

  @Override
  public MergeSpecification findForcedDeletesMerges(SegmentInfos infos, MergeContext context) throws IOException {
    Set<String> named = targets;
    if (named == null) {
      return in.findForcedDeletesMerges(infos, context);
    }
    MergeSpecification spec = new MergeSpecification();
    Set<SegmentCommitInfo> merging = context.getMergingSegments();
    for (SegmentCommitInfo info : infos) {
      // A segment another merge is reading is skipped: that merge's result will hold its deleted documents, and the
      // caller targets the result once it exists.
      if (named.contains(info.info.name) && !merging.contains(info)) {
        spec.add(new OneMerge(List.of(info)));
      }
    }
    return spec.merges.isEmpty() ? null : spec;
  }
}
