package dev.concierge.gateway;

import dev.concierge.client.internal.Globs;
import dev.concierge.gateway.auth.Principal;
import java.util.List;
import java.util.Set;

/**
 * Which tools (and prompts) each principal may see and call, from the config's {@code views} rules. A rule applies to
 * the users and groups it names (or to everyone when it names neither). A name is visible when no applicable rule has
 * an {@code allow} list or one of them allows it, and no applicable rule denies it. Patterns are globs over exposed
 * names ({@code *} any run of characters, {@code ?} one).
 */
public final class ToolViews {
  /** One rule of the {@code views} list. */
  public record Rule(Set<String> users, Set<String> groups, List<String> allow, List<String> deny) {
    public Rule {
      users = users == null ? Set.of() : Set.copyOf(users);
      groups = groups == null ? Set.of() : Set.copyOf(groups);
      allow = allow == null ? List.of() : List.copyOf(allow);
      deny = deny == null ? List.of() : List.copyOf(deny);
    }

    boolean appliesTo(Principal p) {
      return (users.isEmpty() && groups.isEmpty()) || users.contains(p.user()) || users.contains(p.key())
          || p.groups().stream().anyMatch(groups::contains);
    }
  }

  /** Everyone sees everything. */
  public static final ToolViews OPEN = new ToolViews(List.of());

  private final List<Rule> rules;

  public ToolViews(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public boolean visible(Principal principal, String name) {
    boolean anyAllowList = false;
    boolean allowed = false;
    for (Rule rule : rules) {
      if (!rule.appliesTo(principal)) {
        continue;
      }
      if (matchesAny(rule.deny(), name)) {
        return false;
      }
      if (!rule.allow().isEmpty()) {
        anyAllowList = true;
        allowed |= matchesAny(rule.allow(), name);
      }
    }
    return !anyAllowList || allowed;
  }

  private static boolean matchesAny(List<String> globs, String name) {
    return globs.stream().anyMatch(glob -> Globs.matches(glob, name));
  }
}
