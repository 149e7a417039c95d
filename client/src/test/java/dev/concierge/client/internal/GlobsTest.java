package dev.concierge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlobsTest {
  @Test
  void denyWinsAndAnEmptyAllowListAllowsAll() {
    assertThat(Globs.allowed("echo", List.of(), List.of())).isTrue();
    assertThat(Globs.allowed("read_file", List.of("read_*"), List.of())).isTrue();
    assertThat(Globs.allowed("write_file", List.of("read_*"), List.of())).isFalse();
    assertThat(Globs.allowed("read_secret", List.of("read_*"), List.of("read_secret"))).isFalse();
    assertThat(Globs.allowed("a.b", List.of("a?b"), List.of())).isTrue();
    assertThat(Globs.allowed("a.b", List.of("a.c"), List.of())).isFalse();
  }
}
