package dev.concierge.context;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Moves every owner's memories, with their whole history, from one store to another (the embedded directory to
 * PostgreSQL, say), then checks that the target holds every version the source does. Running it again resumes: what
 * the target already has is left alone.
 */
public final class MemoryMigration {
  /** What was moved: owners, memory versions in the source, and how many of them the target holds afterwards. */
  public record Report(int owners, long sourceVersions, long verifiedVersions) {
    public boolean complete() {
      return sourceVersions == verifiedVersions;
    }
  }

  private static final Filter EVERYTHING = new Filter(null, null, null, null, null, null, true);

  private MemoryMigration() {}

  public static Report run(MemoryStore from, MemoryStore to, Consumer<String> progress) throws IOException {
    List<Owner> owners = from.owners();
    long source = 0;
    long verified = 0;
    for (Owner owner : owners) {
      List<Memory> versions = from.list(owner, EVERYTHING, Integer.MAX_VALUE);
      to.restore(owner, versions);
      Set<String> present = new HashSet<>();
      to.list(owner, EVERYTHING, Integer.MAX_VALUE).forEach(m -> present.add(m.id()));
      source += versions.size();
      verified += versions.stream().filter(m -> present.contains(m.id())).count();
      progress.accept(owner.key() + ": " + versions.size() + " versions");
    }
    return new Report(owners.size(), source, verified);
  }
}
