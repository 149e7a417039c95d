package dev.concierge.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Turns a server's own tool or prompt name into the name the aggregate exposes. The result is always made valid for
 * LLM providers ({@code ^[a-zA-Z0-9_-]{1,64}$}) by {@link #sanitize}, whatever the function returns.
 */
@FunctionalInterface
public interface ToolNaming {
  /** Longest name LLM provider APIs accept for a function/tool. */
  int MAX_LENGTH = 64;

  Pattern VALID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

  /**
   * @param server the configured server name
   * @param prefix the server's prefix: its name by default, {@code ""} when configured without one
   * @param name the server's own name for the tool or prompt
   */
  String name(String server, String prefix, String name);

  /** The default: {@code {prefix}__{name}}, or {@code name} when the prefix is empty. */
  ToolNaming DEFAULT = (server, prefix, name) -> prefix.isEmpty() ? name : prefix + "__" + name;

  /**
   * Replaces characters providers reject with {@code _} and shortens names over 64 characters to their first 55
   * characters, {@code _}, and 8 hex digits of the SHA-256 of the whole name: the same input always gives the same
   * output, and two long names that share a beginning still differ.
   */
  static String sanitize(String candidate) {
    String clean = candidate == null || candidate.isEmpty() ? "_" : candidate.replaceAll("[^a-zA-Z0-9_-]", "_");
    if (clean.length() <= MAX_LENGTH) {
      return clean;
    }
    return clean.substring(0, MAX_LENGTH - 9) + "_" + hash8(candidate);
  }

  /** 8 hex digits of SHA-256: a short, stable disambiguator. */
  static String hash8(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
