package dev.concierge.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The MCP revisions Concierge speaks, oldest first. */
public enum ProtocolVersion {
  V2024_11_05("2024-11-05", Era.LEGACY),
  V2025_03_26("2025-03-26", Era.LEGACY),
  V2025_06_18("2025-06-18", Era.LEGACY),
  V2025_11_25("2025-11-25", Era.LEGACY),
  V2026_07_28("2026-07-28", Era.MODERN);

  /** The newest revision that uses the {@code initialize} handshake. */
  public static final ProtocolVersion LATEST_LEGACY = V2025_11_25;
  /** The newest revision. */
  public static final ProtocolVersion LATEST = V2026_07_28;

  private final String id;
  private final Era era;

  ProtocolVersion(String id, Era era) {
    this.id = id;
    this.era = era;
  }

  /** The version string as it appears on the wire, e.g. {@code "2025-11-25"}. */
  public String id() {
    return id;
  }

  public Era era() {
    return era;
  }

  /** Whether this revision has the {@code MCP-Protocol-Version} HTTP header (2025-06-18 and later). */
  public boolean hasVersionHeader() {
    return compareTo(V2025_06_18) >= 0;
  }

  /** Every revision by its wire id: both transports parse the version of every request. */
  private static final Map<String, ProtocolVersion> BY_ID = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(ProtocolVersion::id, v -> v));

  public static Optional<ProtocolVersion> parse(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(BY_ID.get(id));
  }

  /** Like {@link #parse} but fails with a message naming the bad value and the known ones. */
  public static ProtocolVersion require(String id) {
    return parse(id).orElseThrow(() -> new IllegalArgumentException(
        "unknown MCP protocol version '" + id + "'; known: " + ids(List.of(values()))));
  }

  /** The versions of one era, newest first. */
  public static List<ProtocolVersion> newestFirst(Era era) {
    return Arrays.stream(values()).filter(v -> v.era == era).sorted((a, b) -> b.compareTo(a)).toList();
  }

  /** The newest version of ours that appears in the server's list, if any. */
  public static Optional<ProtocolVersion> bestMutual(Iterable<String> serverVersions) {
    ProtocolVersion best = null;
    for (String id : serverVersions) {
      ProtocolVersion v = parse(id).orElse(null);
      if (v != null && (best == null || v.compareTo(best) > 0)) {
        best = v;
      }
    }
    return Optional.ofNullable(best);
  }

  private static String ids(List<ProtocolVersion> versions) {
    return String.join(", ", versions.stream().map(ProtocolVersion::id).toList());
  }

  @Override
  public String toString() {
    return id;
  }
}
