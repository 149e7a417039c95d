package dev.concierge.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.util.List;
import java.util.stream.Collectors;

/** The result of {@code tools/call}. A tool that failed is a result with {@link #isError()}, not a protocol error. */
public final class CallToolResult extends JsonView {
  public CallToolResult(ObjectNode json) {
    super(json);
  }

  public static CallToolResult ofText(String text, boolean isError) {
    ObjectNode node = Json.object();
    node.set("content", Json.array().add(Content.text(text).toJson()));
    if (isError) {
      node.put("isError", true);
    }
    return new CallToolResult(node);
  }

  public List<Content> content() {
    return list("content", Content::new);
  }

  /** Structured output (any JSON value in 2026-07-28, an object before), or {@code null}. */
  public JsonNode structuredContent() {
    JsonNode value = raw().get("structuredContent");
    return value == null ? null : value.deepCopy();
  }

  public boolean isError() {
    return Boolean.TRUE.equals(bool("isError"));
  }

  /** The text blocks joined by newlines: what a terminal or a plain-text LLM prompt shows. */
  public String text() {
    return content().stream().filter(c -> c.kind() == Content.Kind.TEXT).map(Content::text)
        .collect(Collectors.joining("\n"));
  }
}
