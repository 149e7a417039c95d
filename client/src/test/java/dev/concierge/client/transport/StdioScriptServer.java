package dev.concierge.client.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A scripted stdio server for {@link StdioTransportTest}, run in a child JVM. It answers each JSON-RPC request by its
 * method: {@code echo}, {@code garbage}, {@code oversize}, {@code stderr}, {@code env}, {@code args}, {@code spawn}
 * answer; {@code exit} exits without answering. Flags: {@code --ignore-stdin-eof} keeps running after stdin ends,
 * {@code --ignore-term} makes SIGTERM hang (a shutdown hook that never returns), {@code --sleep} only sleeps.
 */
public final class StdioScriptServer {
  private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);

  private StdioScriptServer() {}

  /** Command line that runs this class with {@code flags} in a fresh JVM. */
  static List<String> javaCommand(String... flags) {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), StdioScriptServer.class.getName()));
    command.addAll(List.of(flags));
    return command;
  }

  public static void main(String[] args) throws Exception {
    List<String> flags = List.of(args);
    if (flags.contains("--sleep")) {
      sleepForever();
    }
    if (flags.contains("--ignore-term")) {
      Runtime.getRuntime().addShutdownHook(new Thread(StdioScriptServer::sleepForever));
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      handle(Json.parseObject(line), args);
    }
    if (flags.contains("--ignore-stdin-eof")) {
      sleepForever();
    }
  }

  private static void handle(ObjectNode request, String[] args) throws Exception {
    JsonNode params = request.path("params");
    ObjectNode result = Json.object();
    switch (request.path("method").asText()) {
      case "echo" -> result.set("echo", params);
      case "garbage" -> {
        OUT.println("this is not json {" + "x".repeat(1000));
        OUT.println();
        OUT.println("[1,2,3]");
        OUT.println("{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":{}}");
      }
      case "oversize" -> OUT.println("x".repeat(params.path("bytes").asInt()));
      case "stderr" -> {
        byte[] chunk = "e".repeat(8191).concat("\n").getBytes(StandardCharsets.UTF_8);
        for (int written = 0; written < params.path("bytes").asInt(); written += chunk.length) {
          System.err.write(chunk);
        }
        System.err.println(params.path("marker").asText());
        System.err.flush();
      }
      case "exit" -> {
        System.err.println(params.path("stderr").asText());
        System.err.flush();
        OUT.flush();
        Runtime.getRuntime().halt(params.path("code").asInt());
      }
      case "env" -> result.put("value", System.getenv(params.path("name").asText()));
      case "args" -> result.set("args", Json.toTree(List.of(args)));
      case "spawn" -> {
        Process child = new ProcessBuilder(javaCommand("--sleep"))
            .redirectOutput(params.path("inheritStdout").asBoolean()
                ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        result.put("pid", child.pid());
      }
      default -> throw new IllegalArgumentException(request.toString());
    }
    if (request.has("id")) {
      ObjectNode response = Json.object().put("jsonrpc", "2.0");
      response.set("id", request.get("id"));
      response.set("result", result);
      OUT.println(Json.write(response));
      OUT.flush();
    }
  }

  private static void sleepForever() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
