package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.protocol.McpException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The MRTR {@code requestState} of the modern test server: opens only for its own request, untouched and in time. */
class RequestStateCodecTest {
  private final MutableClock clock = new MutableClock();
  private final RequestStateCodec codec = new RequestStateCodec(Duration.ofMinutes(1), clock);

  @Test
  void opensWhatItSealed() {
    String state = codec.seal("tools/call", "ask-name", "round 2");
    assertThat(codec.open("tools/call", "ask-name", state)).isEqualTo("round 2");
  }

  @Test
  void rejectsStateOfAnotherRequest() {
    String state = codec.seal("tools/call", "ask-name", "x");
    assertThatThrownBy(() -> codec.open("tools/call", "other", state)).isInstanceOf(McpException.class)
        .hasMessageContaining("another request");
  }

  @Test
  void rejectsTamperedOrMalformedState() {
    String state = codec.seal("tools/call", "ask-name", "x");
    String forged = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("tools/call\nask-name\n99999999999999\nadmin".getBytes()) + state.substring(state.indexOf('.'));
    assertThatThrownBy(() -> codec.open("tools/call", "ask-name", forged)).hasMessageContaining("verification");
    assertThatThrownBy(() -> codec.open("tools/call", "ask-name", "garbage")).isInstanceOf(McpException.class);
  }

  @Test
  void rejectsExpiredState() {
    String state = codec.seal("tools/call", "ask-name", "x");
    clock.advance(Duration.ofMinutes(2));
    assertThatThrownBy(() -> codec.open("tools/call", "ask-name", state)).hasMessageContaining("expired");
  }

  /** A clock the test moves by hand. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-07-28T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
