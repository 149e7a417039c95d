package dev.concierge.client.internal;

import dev.concierge.client.NameCollision;
import dev.concierge.client.ToolNaming;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Assigns exposed names deterministically: candidates are processed in (server, original name) order, so the result
 * depends only on the set of servers and their items, never on which answered first.
 */
public final class NameAssigner {
  /** One item to name. */
  public record Candidate(String server, String prefix, String originalName) {}

  /** The outcome: exposed name for each candidate (same order as given) and collisions that were resolved. */
  public record Result(List<String> names, List<NameCollision> collisions) {}

  private NameAssigner() {}

  public static Result assign(List<Candidate> candidates, ToolNaming naming) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing((Integer i) -> candidates.get(i).server())
        .thenComparing(i -> candidates.get(i).originalName()));
    String[] names = new String[candidates.size()];
    Set<String> taken = new HashSet<>();
    Map<String, List<String>> contested = new TreeMap<>();
    Map<String, String> firstOwner = new LinkedHashMap<>();
    for (int i : order) {
      Candidate c = candidates.get(i);
      String wanted = ToolNaming.sanitize(naming.name(c.server(), c.prefix(), c.originalName()));
      String owner = c.server() + "/" + c.originalName();
      String name = wanted;
      if (!taken.add(name)) {
        String suffix = "_" + ToolNaming.hash8(owner);
        String base = wanted.length() + suffix.length() > ToolNaming.MAX_LENGTH
            ? wanted.substring(0, ToolNaming.MAX_LENGTH - suffix.length()) : wanted;
        name = base + suffix;
        for (int n = 2; !taken.add(name); n++) {
          name = base.substring(0, Math.max(1, base.length() - 3)) + suffix + n; // astronomically unlikely
        }
        List<String> owners = contested.computeIfAbsent(wanted, k -> new ArrayList<>(
            List.of(firstOwner.get(k) + " -> " + k)));
        owners.add(owner + " -> " + name);
      } else {
        firstOwner.put(wanted, owner);
      }
      names[i] = name;
    }
    List<NameCollision> collisions = new ArrayList<>();
    contested.forEach((wanted, owners) -> collisions.add(new NameCollision(wanted, List.copyOf(owners))));
    return new Result(List.of(names), collisions);
  }
}
