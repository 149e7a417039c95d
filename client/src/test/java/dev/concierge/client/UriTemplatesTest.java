package dev.concierge.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UriTemplatesTest {
  @Test
  void matchesSimpleAndReservedExpansions() {
    assertThat(UriTemplates.matches("demo://resource/dynamic/text/{id}", "demo://resource/dynamic/text/7")).isTrue();
    assertThat(UriTemplates.matches("demo://resource/dynamic/text/{id}", "demo://resource/dynamic/text/7/x")).isFalse();
    assertThat(UriTemplates.matches("file:///{+path}", "file:///a/b/c.txt")).isTrue();
    assertThat(UriTemplates.matches("a://{x}", "b://1")).isFalse();
    assertThat(UriTemplates.matches("a://{broken", "a://1")).isFalse();
  }
}
