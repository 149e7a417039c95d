package dev.concierge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor for stdio: server-everything's pipes and nothing else. A call writes its line and then, unless another
 * caller is reading, reads the answers itself on its own thread until its own has come, leaving the others' answers
 * for them (leader and followers). Sequentially that is no thread hand-off at all, which a real client cannot do
 * without giving up bounded waits and cancellation; ids and texts are found by string search. What any client must at least pay for a call,
 * and so the most that server-everything serves one sequential caller.
 */
final class BareStdioEcho implements EchoClient {
  private final Process process;
  private final OutputStream in;
  private final BufferedReader out;
  private final AtomicLong ids = new AtomicLong();
  private final Object reading = new Object();
  private final Map<Long, String> answers = new HashMap<>(); // guarded by reading
  private boolean readerTaken; // guarded by reading

  BareStdioEcho(List<String> command) throws IOException, InterruptedException {
    this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    this.in = process.getOutputStream();
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String init = call(0, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
        + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
        + "\"clientInfo\":{\"name\":\"bare-bench\",\"version\":\"1.0.0\"}}}");
    if (!init.contains("\"result\"")) {
      throw new IOException("initialize answered " + init);
    }
    write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  }

  @Override
  public void echo(String message) throws IOException, InterruptedException {
    long id = ids.incrementAndGet();
    // Messages are "m<digits>", so no JSON escaping is needed.
    String answer = call(id, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{"
        + "\"name\":\"echo\",\"arguments\":{\"message\":\"" + message + "\"}}}");
    EchoClient.check(message, EchoClient.firstText(answer));
  }

  private String call(long id, String request) throws IOException, InterruptedException {
    write(request);
    synchronized (reading) {
      while (true) {
        String answer = answers.remove(id);
        if (answer != null) {
          return answer;
        }
        if (!readerTaken) {
          readerTaken = true;
          break;
        }
        reading.wait();
      }
    }
    try {
      while (true) {
        String line = out.readLine();
        if (line == null) {
          throw new IOException("server-everything closed its output");
        }
        long answered = id(line);
        if (answered == id) {
          return line;
        }
        if (answered >= 0) {
          synchronized (reading) {
            answers.put(answered, line);
            reading.notifyAll();
          }
        }
      }
    } finally {
      synchronized (reading) {
        readerTaken = false;
        reading.notifyAll();
      }
    }
  }

  private void write(String line) throws IOException {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (in) {
      in.write(bytes);
      in.flush();
    }
  }

  /** The id of an answer line, or -1 for a notification or a request of the server's. */
  private static long id(String line) {
    if (line.contains("\"method\"")) {
      return -1;
    }
    int at = line.lastIndexOf("\"id\":");
    if (at < 0) {
      return -1;
    }
    int start = at + 5;
    int end = start;
    while (end < line.length() && Character.isDigit(line.charAt(end))) {
      end++;
    }
    return end > start ? Long.parseLong(line.substring(start, end)) : -1;
  }

  /** Closes stdin (server-everything exits on it) and kills the process if it lingers. */
  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // the process is killed below anyway
    }
    Processes.kill(process.toHandle());
  }
}
