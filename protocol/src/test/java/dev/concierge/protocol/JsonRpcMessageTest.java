package dev.concierge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonRpcMessageTest {
  @Test
  void requestNotificationAndResponseAreClassified() {
    assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}"))
        .isEqualTo(new JsonRpcRequest(RequestId.of(7), "tools/list", null));
    assertThat(JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
        .isInstanceOf(JsonRpcNotification.class);
    JsonRpcMessage response = JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}");
    assertThat(response).isInstanceOf(JsonRpcResponse.class);
    assertThat(((JsonRpcResponse) response).id()).isEqualTo(RequestId.of("a"));
  }

  @Test
  void numericIdsCorrelateWhateverTheirJsonSpelling() {
    JsonRpcResponse a = (JsonRpcResponse) JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":1.0,\"result\":{}}");
    assertThat(a.id()).isEqualTo(RequestId.of(1));
  }

  @Test
  void errorResponseKeepsCodeMessageAndData() {
    JsonRpcResponse r = (JsonRpcResponse) JsonRpcMessage.parse(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,\"message\":\"Unsupported\","
            + "\"data\":{\"supported\":[\"2026-07-28\"]}}}");
    assertThat(r.error().code()).isEqualTo(ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION);
    assertThat(r.error().data().get("supported").get(0).asText()).isEqualTo("2026-07-28");
  }

  @Test
  void malformedInputGetsTheRightCode() {
    assertThatThrownBy(() -> JsonRpcMessage.parse("{not json"))
        .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.PARSE_ERROR));
    assertThatThrownBy(() -> JsonRpcMessage.parse("[1,2]"))
        .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST));
    assertThatThrownBy(() -> JsonRpcMessage.parse("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"x\"}"))
        .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST));
    assertThatThrownBy(() -> JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}"))
        .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST));
    assertThatThrownBy(() -> JsonRpcMessage.parse("{\"jsonrpc\":\"2.0\",\"id\":1}"))
        .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST));
  }

  @Test
  void aMessageSerializesBackToTheSameJson() {
    String text = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
        + "\"arguments\":{\"message\":\"hi\"},\"x-future\":[1,{\"a\":null}]}}";
    assertThat(JsonRpcMessage.parse(text).toJsonString()).isEqualTo(text);
  }
}
