package dev.concierge.client.eras;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpException;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.RequestId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stdio binding of {@link ModernDispatcher}: newline-delimited JSON-RPC on stdin/stdout, each request served on its
 * own thread (a {@code subscriptions/listen} lives until {@code notifications/cancelled} names it), output lines never
 * interleaved. Exits when stdin ends.
 *
 * <p>Flags for testing a client against bad input: {@code --misbehave} adds tools that misbehave when called
 * ({@code garbage}: junk lines and a response with an unknown id before the answer; {@code oversize}: a 17 MiB line
 * before the answer; {@code wrong-id}: answers only under a wrong id; {@code hang}: never answers;
 * {@code crash}: exits at once; {@code cancelled-count}: how many {@code notifications/cancelled} arrived).
 * {@code --silent} reads everything and answers nothing.
 */
final class ModernStdioServer {
  static final int OVERSIZE_BYTES = 17 << 20;

  private final ModernDispatcher dispatcher;
  private final PrintStream out;
  private final boolean misbehave;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "modern-stdio-worker");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger cancellations = new AtomicInteger();

  ModernStdioServer(ModernDispatcher dispatcher, OutputStream stdout, boolean misbehave) {
    this.dispatcher = dispatcher;
    this.out = new PrintStream(stdout, false, StandardCharsets.UTF_8);
    this.misbehave = misbehave;
    if (misbehave) {
      for (String tool : List.of("garbage", "oversize", "wrong-id", "hang", "crash", "cancelled-count")) {
        dispatcher.catalog().declare(tool, "misbehaves: " + tool);
      }
    }
  }

  /** Serves until stdin ends. */
  void run(java.io.InputStream stdin, boolean silent) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (silent || line.isBlank()) {
        continue;
      }
      JsonRpcMessage message;
      try {
        message = JsonRpcMessage.parse(line);
      } catch (McpException e) {
        write(JsonRpcResponse.failure(null, e.toError()));
        continue;
      }
      if (message instanceof JsonRpcRequest request) {
        workers.execute(() -> serve(request));
      } else if (message instanceof JsonRpcNotification n && McpMethods.NOTIFICATION_CANCELLED.equals(n.method())) {
        cancellations.incrementAndGet();
        RequestId id = RequestId.fromJson(n.paramsOrEmpty().get("requestId"));
        if (id != null) {
          dispatcher.hub().close(id); // a cancelled listen ends without a response
        }
      }
    }
    dispatcher.hub().shutdown();
    out.flush();
  }

  private void serve(JsonRpcRequest request) {
    if (McpMethods.SUBSCRIPTIONS_LISTEN.equals(request.method())) {
      JsonRpcError invalid = dispatcher.checkEnvelope(request);
      if (invalid != null) {
        write(JsonRpcResponse.failure(request.id(), invalid));
      } else {
        dispatcher.listen(request, this::write);
      }
      return;
    }
    String tool = McpMethods.TOOLS_CALL.equals(request.method()) ? Json.text(request.params(), "name") : null;
    if (misbehave && tool != null && misbehaveOn(request, tool)) {
      return;
    }
    write(dispatcher.handle(request, null, this::write));
  }

  /** Handles one of the misbehaving tools; {@code false} when {@code tool} is an ordinary one. */
  private boolean misbehaveOn(JsonRpcRequest request, String tool) {
    switch (tool) {
      case "garbage" -> {
        writeRaw("this is not json {");
        writeRaw("[1,2,3]");
        writeRaw("{\"jsonrpc\":\"2.0\",\"id\":987654,\"result\":{}}");
        writeRaw("{\"jsonrpc\":\"2.0\",\"id\":\"nobody-asked\",\"error\":{\"code\":-32603,\"message\":\"x\"}}");
        write(JsonRpcResponse.success(request.id(), text("after garbage")));
      }
      case "oversize" -> {
        // The answer itself, padded past the client's line limit: it must be skipped, not cut or parsed.
        String answer = JsonRpcResponse.success(request.id(), text("PAD")).toJsonString();
        int pad = answer.indexOf("PAD");
        writeStreamed(answer.substring(0, pad), 'x', OVERSIZE_BYTES, answer.substring(pad + 3));
        write(JsonRpcResponse.success(request.id(), text("after oversize")));
      }
      case "wrong-id" -> write(JsonRpcResponse.success(RequestId.of("not-" + request.id().value()),
          text("under a wrong id")));
      case "hang" -> { } // never answers
      case "crash" -> {
        out.flush();
        Runtime.getRuntime().halt(3);
      }
      case "cancelled-count" -> write(JsonRpcResponse.success(request.id(),
          text(String.valueOf(cancellations.get()))));
      default -> {
        return false;
      }
    }
    return true;
  }

  private static ObjectNode text(String text) {
    ObjectNode result = Json.object().put("resultType", "complete");
    result.putArray("content").addObject().put("type", "text").put("text", text);
    return result;
  }

  private void write(JsonRpcMessage message) {
    writeRaw(message.toJsonString());
  }

  /** One line of {@code head}, {@code count} times {@code fill}, {@code tail}: written in chunks, never held whole. */
  private synchronized void writeStreamed(String head, char fill, int count, String tail) {
    out.print(head);
    String chunk = String.valueOf(fill).repeat(64 * 1024);
    for (int left = count; left > 0; left -= chunk.length()) {
      out.print(left >= chunk.length() ? chunk : chunk.substring(0, left));
    }
    out.print(tail);
    out.print('\n');
    out.flush();
  }

  private synchronized void writeRaw(String line) {
    out.print(line);
    out.print('\n');
    out.flush();
  }
}
