package dev.concierge.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.CallOrigin;
import dev.concierge.protocol.Json;
import org.junit.jupiter.api.Test;

class SchemaSamplesTest {
  @Test
  void elicitationIsAcceptedWithEveryDefaultKeepingItsJsonType() throws Exception {
    ObjectNode params = Json.parseObject("""
        {"message":"accept with defaults","requestedSchema":{"type":"object","properties":{
          "name":{"type":"string","default":"John Doe"},"age":{"type":"integer","default":30},
          "score":{"type":"number","default":95.5},
          "status":{"type":"string","enum":["active","inactive"],"default":"inactive"},
          "verified":{"type":"boolean","default":true},"confirmed":{"type":"boolean"}}}}""");
    ObjectNode answer = SchemaSamples.acceptingElicitation().elicit(CallOrigin.ofServer("s"), params).get();
    assertThat(Json.write(answer)).isEqualTo("{\"action\":\"accept\",\"content\":{\"name\":\"John Doe\",\"age\":30,"
        + "\"score\":95.5,\"status\":\"inactive\",\"verified\":true,\"confirmed\":true}}");
  }

  @Test
  void urlModeIsAcceptedWithoutContent() throws Exception {
    ObjectNode params = Json.parseObject("{\"mode\":\"url\",\"url\":\"https://example.com\",\"message\":\"m\"}");
    assertThat(Json.write(SchemaSamples.acceptingElicitation().elicit(CallOrigin.ofServer("s"), params).get()))
        .isEqualTo("{\"action\":\"accept\"}");
  }

  @Test
  void argumentsUseEnumsAndTypesAndLeaveReferencesAlone() {
    ObjectNode schema = Json.parseObject("""
        {"type":"object","properties":{"a":{"type":"number"},"n":{"type":["null","integer"]},
          "e":{"type":"string","enum":["x","y"]},"o":{"type":"object","properties":{"s":{"type":"string"}}},
          "r":{"$ref":"http://localhost:1/never-fetched.json"}}}""");
    assertThat(Json.write(SchemaSamples.object(schema)))
        .isEqualTo("{\"a\":1.5,\"n\":1,\"e\":\"x\",\"o\":{\"s\":\"concierge\"}}");
  }
}
