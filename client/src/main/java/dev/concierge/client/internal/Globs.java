package dev.concierge.client.internal;

import java.util.List;
import java.util.regex.Pattern;

/** Name filters: exact names or globs with {@code *} and {@code ?}; deny wins over allow; an empty allow allows all. */
public final class Globs {
  private Globs() {}

  public static boolean allowed(String name, List<String> allow, List<String> deny) {
    if (deny.stream().anyMatch(g -> matches(g, name))) {
      return false;
    }
    return allow.isEmpty() || allow.stream().anyMatch(g -> matches(g, name));
  }

  /** Whether {@code name} matches {@code glob} ({@code *} any run of characters, {@code ?} one). */
  public static boolean matches(String glob, String name) {
    if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0) {
      return glob.equals(name);
    }
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return name.matches(regex.toString());
  }
}
