package dev.concierge.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.transport.SseEventReader.Event;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WHATWG event-stream rules, fed whole and byte by byte. */
class SseEventReaderTest {
  private final List<Event> events = new ArrayList<>();
  private final List<Integer> oversize = new ArrayList<>();
  private final SseEventReader.Handler handler = new SseEventReader.Handler() {
    @Override
    public void onEvent(Event event) {
      events.add(event);
    }

    @Override
    public void onOversize(int limit) {
      oversize.add(limit);
    }
  };

  private SseEventReader reader(int limit) {
    return new SseEventReader(limit, null, handler);
  }

  private List<Event> parse(String text) {
    reader(1 << 20).feed(bytes(text), 0, bytes(text).length);
    return events;
  }

  private List<Event> parseByteByByte(String text) {
    SseEventReader reader = reader(1 << 20);
    for (byte b : bytes(text)) {
      reader.feed(new byte[] {b}, 0, 1);
    }
    return events;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void dataLinesAreJoinedWithNewlines() {
    assertThat(parse("data: one\ndata:two\ndata\n\n"))
        .containsExactly(new Event("message", "one\ntwo\n", null));
  }

  @Test
  void crlfLfAndCrAllEndLinesEvenWhenSplitAcrossReads() {
    String text = "data: a\r\n\r\ndata: b\n\ndata: c\r\rdata: d\r\n\r\n";

    assertThat(parseByteByByte(text)).extracting(Event::data).containsExactly("a", "b", "c", "d");
  }

  @Test
  void commentsAndUnknownFieldsAreIgnored() {
    assertThat(parse(":keep-alive\n\n: another\nfoo: bar\ndata: x\n\n"))
        .containsExactly(new Event("message", "x", null));
  }

  @Test
  void eventTypeAppliesToOneEventOnly() {
    assertThat(parse("event: endpoint\ndata: /messages\n\ndata: {}\n\n"))
        .containsExactly(new Event("endpoint", "/messages", null), new Event("message", "{}", null));
  }

  @Test
  void idPersistsAcrossEventsAndIsReadEvenWithoutData() {
    SseEventReader reader = reader(1024);
    byte[] text = bytes("id: 1\ndata: a\n\ndata: b\n\nid: 7\n\nid: bad\u0000id\n\n");
    reader.feed(text, 0, text.length);

    assertThat(events).containsExactly(new Event("message", "a", "1"), new Event("message", "b", "1"));
    assertThat(reader.lastEventId()).isEqualTo("7");
  }

  @Test
  void primingEventWithEmptyDataIsDispatchedWithItsId() {
    assertThat(parse("id: p0\ndata:\n\n")).containsExactly(new Event("message", "", "p0"));
  }

  @Test
  void eventWithoutDataIsNotDispatched() {
    assertThat(parse("event: ping\n\n")).isEmpty();
  }

  @Test
  void retryTakesOnlyDigits() {
    SseEventReader reader = reader(1024);
    byte[] text = bytes("retry: 2500\n\nretry: soon\n\n");
    reader.feed(text, 0, text.length);

    assertThat(reader.retryMillis()).isEqualTo(2500);
  }

  @Test
  void unterminatedEventAtEndOfStreamIsDiscarded() throws IOException {
    reader(1024).readAll(new ByteArrayInputStream(bytes("data: done\n\ndata: partial\n")));

    assertThat(events).extracting(Event::data).containsExactly("done");
  }

  @Test
  void leadingByteOrderMarkIsSkipped() {
    assertThat(parse("\uFEFFdata: x\n\n")).extracting(Event::data).containsExactly("x");
  }

  @Test
  void multibyteCharactersSurviveSplitReads() {
    assertThat(parseByteByByte("data: héllo 世界\n\n")).extracting(Event::data).containsExactly("héllo 世界");
  }

  @Test
  void oversizeEventIsDroppedAndTheNextOneStillArrives() {
    SseEventReader reader = reader(64);
    byte[] text = bytes("id: 9\ndata: " + "x".repeat(50) + "\ndata: " + "y".repeat(50) + "\n\n"
        + "data: " + "z".repeat(500) + "\n\ndata: small\n\n");
    reader.feed(text, 0, text.length);

    assertThat(events).containsExactly(new Event("message", "small", "9"));
    assertThat(oversize).containsExactly(64, 64);
  }

  @Test
  void stopEndsReadingAtOnce() throws IOException {
    SseEventReader reader = new SseEventReader(1024, null, new SseEventReader.Handler() {
      @Override
      public void onEvent(Event event) {
        events.add(event);
      }

      @Override
      public void onOversize(int limit) {}
    });
    byte[] text = bytes("data: 1\n\ndata: 2\n\n");
    reader.feed(text, 0, 9);
    reader.stop();
    reader.feed(text, 9, text.length - 9);

    assertThat(events).extracting(Event::data).containsExactly("1");
    assertThat(reader.isStopped()).isTrue();
  }

  @Test
  void startingLastEventIdIsCarriedOver() {
    SseEventReader reader = new SseEventReader(1024, "prev", handler);
    byte[] text = bytes("data: x\n\n");
    reader.feed(text, 0, text.length);

    assertThat(events).containsExactly(new Event("message", "x", "prev"));
  }
}
