package dev.concierge.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.concierge.protocol.Json;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The 2026-07-28 "Value Encoding" rule, starting with the spec's own table. */
class HttpHeaderValuesTest {
  @Test
  void encodesTheSpecificationExamples() {
    assertThat(HttpHeaderValues.encodeHeaderValue("us-west1")).isEqualTo("us-west1");
    assertThat(HttpHeaderValues.encodeHeaderValue("Hello, 世界")).isEqualTo("=?base64?SGVsbG8sIOS4lueVjA==?=");
    assertThat(HttpHeaderValues.encodeHeaderValue(" padded ")).isEqualTo("=?base64?IHBhZGRlZCA=?=");
    assertThat(HttpHeaderValues.encodeHeaderValue("line1\nline2")).isEqualTo("=?base64?bGluZTEKbGluZTI=?=");
    assertThat(HttpHeaderValues.encodeHeaderValue("=?base64?literal?="))
        .isEqualTo("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "get_weather", "file:///projects/myapp/config.json", "inner space is fine", "=?base64?only a prefix",
      "ends like ?=", ""})
  void leavesSafePlainValuesAlone(String value) {
    assertThat(HttpHeaderValues.encodeHeaderValue(value)).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tab\there", " leading", "trailing ", "del\u007f", "café", "nul\u0000"})
  void encodesControlsEdgeSpacesAndNonAscii(String value) {
    String encoded = HttpHeaderValues.encodeHeaderValue(value);

    assertThat(encoded).startsWith("=?base64?").endsWith("?=");
    assertThat(HttpHeaderValues.decodeHeaderValue(encoded)).isEqualTo(value);
  }

  @Test
  void decodeLeavesPlainAndBrokenValuesAlone() {
    assertThat(HttpHeaderValues.decodeHeaderValue("us-west1")).isEqualTo("us-west1");
    assertThat(HttpHeaderValues.decodeHeaderValue("=?base64?***?=")).isEqualTo("=?base64?***?=");
  }

  @Test
  void convertsJsonArgumentsByType() {
    assertThat(HttpHeaderValues.encodeJsonValue(TextNode.valueOf("us-west1"))).isEqualTo("us-west1");
    assertThat(HttpHeaderValues.encodeJsonValue(IntNode.valueOf(-7))).isEqualTo("-7");
    assertThat(HttpHeaderValues.encodeJsonValue(DecimalNode.valueOf(new BigDecimal("42.0")))).isEqualTo("42");
    assertThat(HttpHeaderValues.encodeJsonValue(BooleanNode.TRUE)).isEqualTo("true");
    assertThat(HttpHeaderValues.encodeJsonValue(NullNode.getInstance())).isNull();
    assertThat(HttpHeaderValues.encodeJsonValue(null)).isNull();
    assertThat(HttpHeaderValues.encodeJsonValue(DecimalNode.valueOf(new BigDecimal("1.5")))).isNull();
    assertThat(HttpHeaderValues.encodeJsonValue(Json.object())).isNull();
  }
}
