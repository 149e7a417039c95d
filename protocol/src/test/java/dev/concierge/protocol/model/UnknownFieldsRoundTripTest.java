package dev.concierge.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import org.junit.jupiter.api.Test;

/** A gateway must not drop what it does not understand: every view returns unknown fields untouched. */
class UnknownFieldsRoundTripTest {
  @Test
  void toolKeepsUnknownFieldsAndAnnotationsThroughRename() {
    ObjectNode raw = Json.parseObject("{\"name\":\"echo\",\"description\":\"Echo\",\"inputSchema\":{\"type\":\"object\","
        + "\"properties\":{\"message\":{\"type\":\"string\",\"x-mcp-header\":\"Msg\"}}},\"outputSchema\":{\"type\":\"object\"},"
        + "\"annotations\":{\"readOnlyHint\":true,\"x-vendor\":1},\"icons\":[{\"src\":\"data:\"}],\"x-future\":{\"k\":[1,2]},"
        + "\"_meta\":{\"a/b\":true}}");
    Tool tool = new Tool(raw.deepCopy());
    assertThat(tool.annotations().readOnlyHint()).isTrue();
    assertThat(tool.outputSchema()).isNotNull();
    assertThat(tool.toJson()).isEqualTo(raw);
    ObjectNode renamed = tool.withName("everything__echo").toJson();
    renamed.put("name", "echo");
    assertThat(renamed).isEqualTo(raw);
    assertThat(Json.write(tool.toJson())).isEqualTo(Json.write(raw));
  }

  @Test
  void callToolResultKeepsEveryContentKindAndStructuredContent() {
    ObjectNode raw = Json.parseObject("{\"content\":["
        + "{\"type\":\"text\",\"text\":\"hi\",\"annotations\":{\"audience\":[\"user\"]}},"
        + "{\"type\":\"image\",\"data\":\"iVBO\",\"mimeType\":\"image/png\"},"
        + "{\"type\":\"audio\",\"data\":\"UklG\",\"mimeType\":\"audio/wav\"},"
        + "{\"type\":\"resource_link\",\"uri\":\"test://r/1\",\"name\":\"r1\"},"
        + "{\"type\":\"resource\",\"resource\":{\"uri\":\"test://r/2\",\"text\":\"two\",\"x\":1}},"
        + "{\"type\":\"hologram\",\"payload\":42}],"
        + "\"structuredContent\":{\"sum\":3},\"isError\":false,\"resultType\":\"complete\",\"x-new\":\"kept\"}");
    CallToolResult result = new CallToolResult(raw.deepCopy());
    assertThat(result.content()).extracting(Content::kind).containsExactly(Content.Kind.TEXT, Content.Kind.IMAGE,
        Content.Kind.AUDIO, Content.Kind.RESOURCE_LINK, Content.Kind.RESOURCE, Content.Kind.UNKNOWN);
    assertThat(result.content().get(4).resource().text()).isEqualTo("two");
    assertThat(result.structuredContent().get("sum").asInt()).isEqualTo(3);
    assertThat(result.text()).isEqualTo("hi");
    assertThat(result.toJson()).isEqualTo(raw);
  }

  @Test
  void resourcesPromptsAndCompletionsKeepUnknownFields() {
    ObjectNode resource = Json.parseObject("{\"uri\":\"a://b\",\"name\":\"b\",\"size\":12,\"x\":[true]}");
    assertThat(new Resource(resource.deepCopy()).toJson()).isEqualTo(resource);
    assertThat(new Resource(resource.deepCopy()).size()).isEqualTo(12L);
    ObjectNode template = Json.parseObject("{\"uriTemplate\":\"a://{id}\",\"name\":\"t\",\"y\":{}}");
    assertThat(new ResourceTemplate(template.deepCopy()).toJson()).isEqualTo(template);
    ObjectNode prompt = Json.parseObject("{\"name\":\"p\",\"arguments\":[{\"name\":\"a\",\"required\":true,\"z\":1}]}");
    Prompt p = new Prompt(prompt.deepCopy());
    assertThat(p.arguments().get(0).required()).isTrue();
    assertThat(p.toJson()).isEqualTo(prompt);
    ObjectNode got = Json.parseObject("{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"t\"},"
        + "\"q\":2}],\"w\":3}");
    GetPromptResult g = new GetPromptResult(got.deepCopy());
    assertThat(g.messages().get(0).content().text()).isEqualTo("t");
    assertThat(g.toJson()).isEqualTo(got);
    ObjectNode completion = Json.parseObject("{\"completion\":{\"values\":[\"x\",\"y\"],\"total\":2,\"hasMore\":false,"
        + "\"v\":1}}");
    assertThat(new CompleteResult(completion.deepCopy()).values()).containsExactly("x", "y");
    assertThat(new CompleteResult(completion.deepCopy()).toJson()).isEqualTo(completion);
  }

  @Test
  void viewsAreImmutableAgainstChangesToReturnedJson() {
    Tool tool = Tool.of("a", "d", null);
    tool.toJson().put("name", "changed");
    tool.inputSchema().put("type", "array");
    assertThat(tool.name()).isEqualTo("a");
    assertThat(tool.inputSchema().get("type").asText()).isEqualTo("object");
  }
}
