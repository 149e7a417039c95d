package dev.concierge.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.List;
import java.util.Optional;

/**
 * Per-user memories. Every operation is scoped to one {@link Owner}; nothing an owner does can read or change another
 * owner's memories. A memory is recallable as soon as {@link #remember} returns, and what {@code remember} returned
 * survives a crash. Implementations: {@link EmbeddedStore} (one directory, the default); a PostgreSQL one will pass
 * the same contract.
 *
 * <p>Bad input (empty or huge text, unknown scope or kind, an empty time range) throws
 * {@link IllegalArgumentException} and writes nothing.
 */
public interface MemoryStore extends AutoCloseable {
  default Memory remember(Owner owner, NewMemory memory) throws IOException {
    return rememberAll(owner, List.of(memory)).get(0);
  }

  /** Remembers several at once, atomically: all or none. */
  List<Memory> rememberAll(Owner owner, List<NewMemory> memories) throws IOException;

  /** The {@code k} current memories that best match {@code query} (lexical and, when enabled, semantic). */
  List<Hit> recall(Owner owner, String query, int k, Filter filter) throws IOException;

  Optional<Memory> get(Owner owner, String id) throws IOException;

  /** Current memories, newest first. */
  List<Memory> list(Owner owner, Filter filter, int limit) throws IOException;

  /**
   * Replaces a current memory's text (and metadata, when given) with a new version; the old one gets
   * {@code validTo} and stays in the history. The new version keeps the memory's context: a corrected fact still
   * came from the same conversation.
   */
  default Memory update(Owner owner, String id, String text, ObjectNode metadata) throws IOException {
    return update(owner, id, text, metadata, null);
  }

  /**
   * As {@link #update(Owner, String, String, ObjectNode)}, with a new context for the new version: {@code null}
   * keeps the old one, a blank one removes it. The old version keeps its own.
   */
  Memory update(Owner owner, String id, String text, ObjectNode metadata, String context) throws IOException;

  /** Forgets one memory, every version of it. */
  DeletionReceipt forget(Owner owner, String id) throws IOException;

  /** Forgets every memory the filter selects (history included), or all of the owner's with {@link Filter#NONE}. */
  DeletionReceipt forget(Owner owner, Filter filter) throws IOException;

  /** Every owner that has memories, in no particular order (for moving a store, not for serving users). */
  List<Owner> owners() throws IOException;

  /**
   * Stores memory versions exactly as another store holds them — ids, versions, times, provenance, context —
   * re-embedding them; a version already present (same owner and id) is left as it is. For moving a store.
   */
  void restore(Owner owner, List<Memory> versions) throws IOException;

  /** Removes memories whose {@code expiresAt} has passed, for every owner; returns how many. */
  int expire() throws IOException;

  /** Writes the owner's current memories as JSON lines, newest first; returns how many. */
  default int exportJsonl(Owner owner, Writer out) throws IOException {
    List<Memory> all = list(owner, Filter.NONE, Integer.MAX_VALUE);
    for (Memory m : all) {
      MemoryJsonl.write(m, out);
    }
    out.flush();
    return all.size();
  }

  /**
   * Reads JSON lines {@code {"text":..,"metadata":{..},"created_at":..,"kind":..,"scope":..,"context":..}} (all but
   * {@code text} optional) and remembers them;
   * returns how many. A bad line stops the import before anything of it is written, naming the line.
   */
  default int importJsonl(Owner owner, Reader in) throws IOException {
    List<NewMemory> batch = MemoryJsonl.read(in);
    if (!batch.isEmpty()) {
      rememberAll(owner, batch);
    }
    return batch.size();
  }

  @Override
  void close() throws IOException;
}
