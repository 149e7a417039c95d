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
 */
final class ForgetMergePolicy extends FilterMergePolicy {
  /** Names of the segments to rewrite, or null for every segment with a deleted document. */
  private volatile Set<String> targets;

  ForgetMergePolicy() {
    super(tiered());
  }

  private static TieredMergePolicy tiered() {
    TieredMergePolicy tiered = new TieredMergePolicy();
    tiered.setForceMergeDeletesPctAllowed(0);
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
