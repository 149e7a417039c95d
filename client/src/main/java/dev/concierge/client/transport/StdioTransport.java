package dev.concierge.client.transport;

import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.EnvExpander;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.TransportException;
import dev.concierge.protocol.JsonRpcMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The MCP stdio transport: the server runs as a child process and exchanges newline-delimited JSON-RPC messages on its
 * stdin and stdout, in UTF-8; its stderr is a log.
 *
 * <p>Threads, all daemons named {@code concierge-stdio-<server>-out|-err|-in}: one reads stdout with a size bound
 * ({@link Builder#maxLineBytes}), one drains stderr into a ring ({@link #stderrTail()}) so the child never blocks on a
 * full pipe, one writes queued messages to stdin so {@link #send} never blocks on a child that stops reading. A
 * caller that will wait for its answer writes its line itself when nothing is queued before it and the pipe surely
 * has room ({@link PipeRoom}): a hand-off to the writer thread was a third of a sequential call's time.
 *
 * <p>When stdout ends or the process exits, {@link TransportListener#onClosed} is called once: with {@code null} after
 * {@link #close()}, else with a {@link ConnectionClosedException} naming the exit code and the end of stderr. Exit
 * codes 0, 130, 141 and 143 (normal, SIGINT, SIGPIPE, SIGTERM) count as an exit rather than a crash.
 */
public final class StdioTransport implements McpTransport {
  public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_STDERR_CAPACITY = 64 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(2);

  private static final Set<Integer> NORMAL_EXIT_CODES = Set.of(0, 130, 141, 143);
  private static final int EXCERPT_CHARS = 200;
  private static final int STDERR_IN_MESSAGE_CHARS = 300;
  private static final System.Logger LOG = System.getLogger(StdioTransport.class.getName());

  private record Outgoing(JsonRpcMessage message, byte[] bytes, CompletableFuture<Void> done) {}

  /** Queued after the last message to make the writer close stdin, which asks the server to exit. */
  private static final Outgoing CLOSE_STDIN = new Outgoing(null, new byte[0], new CompletableFuture<>());
  private static final CompletableFuture<Void> WRITTEN = CompletableFuture.completedFuture(null);

  private final ServerConfig config;
  private final List<String> commandLine;
  private final Map<String, String> childEnvironment;
  private final int maxLineBytes;
  private final Duration grace;
  private final StderrLog stderr;

  private final Object lock = new Object();
  private final BlockingQueue<Outgoing> outbox = new LinkedBlockingQueue<>();
  private final AtomicInteger queued = new AtomicInteger(); // in the outbox or being written by the writer
  private final ReentrantLock stdinLock = new ReentrantLock(); // held for every write to stdin
  private final PipeRoom room = new PipeRoom();
  private volatile OutputStream stdin;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CountDownLatch readerDone = new CountDownLatch(1);
  private volatile boolean closeRequested;
  private volatile boolean stoppedAfterStdoutClosed;
  private boolean writerDone; // guarded by lock
  private volatile Process process;
  private volatile Thread readerThread;
  private TransportListener listener;

  /** A transport for {@code config} with the default limits and the environment of this JVM. */
  public StdioTransport(ServerConfig config) {
    this(builder(config));
  }

  private StdioTransport(Builder b) {
    this.config = b.config;
    this.maxLineBytes = b.maxLineBytes;
    this.grace = b.shutdownGrace;
    this.stderr = new StderrLog(b.stderrCapacity);
    // Expanded here, before anything starts, so a missing variable fails fast with its name.
    List<String> line = new ArrayList<>();
    if (System.getProperty("os.name", "").startsWith("Windows")) {
      line.addAll(List.of("cmd.exe", "/c")); // so npx.cmd and other batch shims resolve as they do in a shell
    }
    line.add(EnvExpander.expand(config.command(), b.environment));
    config.args().forEach(arg -> line.add(EnvExpander.expand(arg, b.environment)));
    this.commandLine = List.copyOf(line);
    Map<String, String> env = new HashMap<>(b.environment);
    config.env().forEach((key, value) -> env.put(key, EnvExpander.expand(value, b.environment)));
    this.childEnvironment = Map.copyOf(env);
  }

  /** Starts configuring a transport for a {@link ServerConfig.Transport#STDIO} server. */
  public static Builder builder(ServerConfig config) {
    return new Builder(config);
  }

  /**
   * Spawns the server. Fails with a {@link ConnectionClosedException} when the process cannot be started; the listener
   * is not called in that case.
   *
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  @Override
  public void start(TransportListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (process != null || closeRequested) {
        throw new IllegalStateException(describe() + ": start() may be called once, before close()");
      }
      ProcessBuilder builder = new ProcessBuilder(commandLine);
      builder.environment().clear();
      builder.environment().putAll(childEnvironment);
      if (config.cwd() != null) {
        builder.directory(config.cwd().toFile());
      }
      Process started;
      try {
        started = builder.start();
      } catch (IOException e) {
        throw new ConnectionClosedException(config.name(), "could not start " + describe() + ": " + e.getMessage(), e);
      }
      this.listener = listener;
      this.process = started;
      readerThread = daemon("out", () -> readLoop(started.getInputStream()));
      daemon("err", () -> stderr.drain(started.getErrorStream()));
      OutputStream in = started.getOutputStream();
      stdin = in;
      daemon("in", () -> writeLoop(in));
      started.onExit().thenRunAsync(this::finishIfReaderIsStuck,
          CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  /**
   * Queues the message as one line for the writer thread. The future completes once the line is written and flushed,
   * and fails with a {@link TransportException} when stdin is closed or broken. Lines never interleave.
   */
  @Override
  public CompletableFuture<Void> send(JsonRpcMessage message, SendOptions options) {
    // Compact JSON escapes control characters inside strings, so the bytes hold no raw newline; the writer adds one.
    byte[] bytes = message.toJsonBytes();
    boolean open;
    synchronized (lock) {
      if (process == null && !closeRequested) {
        return CompletableFuture.failedFuture(failure("transport not started", null));
      }
      if (closeRequested) {
        return CompletableFuture.failedFuture(failure("connection closed", null));
      }
      open = !writerDone && !finished.get();
    }
    if (open && options.callerWaits()) {
      CompletableFuture<Void> written = writeOnCaller(message, bytes);
      if (written != null) {
        return written;
      }
    }
    synchronized (lock) {
      if (!writerDone && !finished.get()) {
        Outgoing outgoing = new Outgoing(message, bytes, new CompletableFuture<>());
        queued.incrementAndGet();
        outbox.add(outgoing);
        return outgoing.done();
      }
    }
    // The process is gone: say how it ended (exit code, stderr), not just that it did; waited for outside the lock.
    return CompletableFuture.failedFuture(failure(writeFailure(null), null));
  }

  /**
   * Writes the line on the calling thread when that cannot block: nothing queued is still to be written before it
   * (lines keep the order they were sent in), no one else is writing, and the pipe surely has room. Returns
   * {@code null} when the line must go to the writer thread instead.
   */
  private CompletableFuture<Void> writeOnCaller(JsonRpcMessage message, byte[] bytes) {
    OutputStream out = stdin;
    if (out == null || queued.get() > 0 || !stdinLock.tryLock()) {
      return null;
    }
    IOException failed;
    try {
      if (queued.get() > 0 || !room.fits(bytes.length + 1)) {
        return null;
      }
      writeLine(out, message, bytes);
      return WRITTEN;
    } catch (IOException e) {
      failed = e;
    } finally {
      stdinLock.unlock();
    }
    return CompletableFuture.failedFuture(failure(writeFailure(failed), failed));
  }

  /** One message and its newline, flushed; the caller holds {@link #stdinLock}. */
  private void writeLine(OutputStream out, JsonRpcMessage message, byte[] bytes) throws IOException {
    out.write(bytes);
    out.write('\n'); // buffered: the line still leaves in one write
    out.flush();
    room.wrote(message, bytes.length + 1);
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    parts.add(config.command());
    parts.addAll(config.args()); // as configured: ${VAR} references, never their values
    return "stdio: " + String.join(" ", parts);
  }

  /**
   * Closes stdin and waits for the server to exit, escalating to SIGTERM and then SIGKILL after the shutdown grace
   * each; processes the server started are stopped too. Idempotent, callable from any thread including listener
   * callbacks; returns within about three times the grace.
   */
  @Override
  public void close() {
    Process p;
    synchronized (lock) {
      if (closeRequested) {
        return;
      }
      closeRequested = true;
      p = process;
      if (p != null) {
        outbox.add(CLOSE_STDIN);
      }
    }
    if (p == null) {
      return;
    }
    ProcessTree.stop(p, ProcessTree.descendants(p), grace);
    if (Thread.currentThread() != readerThread) {
      // Prefer onClosed from the reader, after the last line; called from the reader itself, it finishes on return.
      try {
        readerDone.await(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      finish();
    }
  }

  /** The exit code of the server process, or {@code null} while it runs or before {@link #start}. */
  public Integer exitCode() {
    Process p = process;
    return p == null || p.isAlive() ? null : p.exitValue();
  }

  /** The most recent output of the server on stderr (at most the configured capacity), for diagnostics. */
  public String stderrTail() {
    return stderr.tail();
  }

  /** For tests: the child process, or {@code null} before {@link #start}. */
  Process process() {
    return process;
  }

  private void readLoop(InputStream stdout) {
    BoundedLineReader reader = new BoundedLineReader(stdout, maxLineBytes);
    try (stdout) {
      while (true) {
        String line;
        try {
          line = reader.readLine();
        } catch (BoundedLineReader.LineTooLongException e) {
          malformed(e.getMessage());
          continue;
        }
        if (line == null) {
          break;
        }
        if (!line.isBlank()) {
          dispatch(line);
        }
      }
    } catch (IOException e) {
      // The pipe broke under us: same as end of stream.
    }
    try {
      stopIfStdoutClosedEarly();
      finish();
    } finally {
      readerDone.countDown();
    }
  }

  private void dispatch(String line) {
    JsonRpcMessage message;
    try {
      message = JsonRpcMessage.parse(line);
    } catch (RuntimeException e) {
      malformed("not JSON-RPC (" + shorten(String.valueOf(e.getMessage()), 100) + "): " + shorten(line, EXCERPT_CHARS));
      return;
    }
    if (finished.get()) {
      return; // onClosed was the last call
    }
    room.read(message);
    try {
      listener.onMessage(message);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "[" + config.name() + "] listener failed on a message", e);
    }
  }

  private void malformed(String reason) {
    if (finished.get()) {
      return;
    }
    try {
      listener.onMalformed(reason);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "[" + config.name() + "] listener failed on a malformed line", e);
    }
  }

  /** A server that closes stdout but keeps running can no longer answer; give it the grace, then stop it. */
  private void stopIfStdoutClosedEarly() {
    Process p = process;
    try {
      if (!closeRequested && !p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        stoppedAfterStdoutClosed = true;
        ProcessTree.stop(p, ProcessTree.descendants(p), grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A descendant that inherited stdout can keep the pipe open after the server died; do not wait for it forever. */
  private void finishIfReaderIsStuck() {
    if (readerDone.getCount() > 0) {
      finish();
    }
  }

  private void finish() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    synchronized (lock) {
      outbox.add(CLOSE_STDIN); // ends the writer; anything queued behind it fails
    }
    Throwable cause = closeRequested ? null : new ConnectionClosedException(config.name(), endMessage(), null);
    try {
      listener.onClosed(cause);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "[" + config.name() + "] listener failed on close", e);
    }
  }

  /**
   * A broken stdin nearly always means the process is gone: say how it ended (exit code, stderr), which is what the
   * user needs, rather than the pipe's "Stream closed". {@code e} is {@code null} when the process was found gone
   * before anything was written.
   */
  private String writeFailure(IOException e) {
    Process p = process;
    try {
      if (p != null && p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
        return endMessage();
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    return e == null ? endMessage() : "could not write to the server's stdin: " + e.getMessage();
  }

  private String endMessage() {
    Integer code = exitCode();
    String what;
    if (stoppedAfterStdoutClosed) {
      what = "closed its stdout and was stopped" + (code == null ? "" : " (exit code " + code + ")");
    } else if (code == null) {
      what = "closed its stdout";
    } else {
      what = NORMAL_EXIT_CODES.contains(code) ? "exited with code " + code : "crashed with exit code " + code;
    }
    String tail = stderr.lastLines(STDERR_IN_MESSAGE_CHARS);
    return "server process " + what + (tail.isEmpty() ? "" : "; stderr: " + tail);
  }

  private void writeLoop(OutputStream out) {
    try {
      for (Outgoing next = outbox.take(); next != CLOSE_STDIN; next = outbox.take()) {
        IOException failed = null;
        stdinLock.lock();
        try {
          writeLine(out, next.message(), next.bytes());
        } catch (IOException e) {
          failed = e;
        } finally {
          queued.decrementAndGet();
          stdinLock.unlock();
        }
        if (failed != null) {
          next.done().completeExceptionally(failure(writeFailure(failed), failed));
          break;
        }
        next.done().complete(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      synchronized (lock) {
        writerDone = true;
      }
      closeStdin(out);
      for (Outgoing left = outbox.poll(); left != null; left = outbox.poll()) {
        if (left != CLOSE_STDIN) {
          left.done().completeExceptionally(failure("connection closed", null));
        }
      }
    }
  }

  /** Closes stdin, which asks the server to exit; never in the middle of a caller's write. */
  private void closeStdin(OutputStream out) {
    stdinLock.lock();
    try {
      out.close();
    } catch (IOException e) {
      // Closing a broken pipe fails too; the process is going away either way.
    } finally {
      stdinLock.unlock();
    }
  }

  private TransportException failure(String message, Throwable cause) {
    return new TransportException(config.name(), message, 0, cause);
  }

  private Thread daemon(String stream, Runnable body) {
    Thread thread = new Thread(body, "concierge-stdio-" + config.name() + "-" + stream);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static String shorten(String text, int maxChars) {
    String cut = text.length() <= maxChars ? text : text.substring(0, maxChars - 3) + "...";
    return cut.replaceAll("\\p{Cntrl}", " ");
  }

  /** Limits and environment of a {@link StdioTransport}; every setter validates at once. */
  public static final class Builder {
    private final ServerConfig config;
    private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
    private int stderrCapacity = DEFAULT_STDERR_CAPACITY;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private Map<String, String> environment = System.getenv();

    private Builder(ServerConfig config) {
      Objects.requireNonNull(config, "config");
      if (config.transport() != ServerConfig.Transport.STDIO) {
        throw new IllegalArgumentException("server '" + config.name() + "' is not a stdio server: " + config.transport());
      }
      this.config = config;
    }

    /** The longest line read from stdout; a longer one is skipped and reported as malformed. */
    public Builder maxLineBytes(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxLineBytes of server '" + config.name() + "' must be positive, was " + value);
      }
      this.maxLineBytes = value;
      return this;
    }

    /** How many of the most recent stderr bytes to keep. */
    public Builder stderrCapacity(int value) {
      if (value < 1) {
        throw new IllegalArgumentException(
            "stderrCapacity of server '" + config.name() + "' must be positive, was " + value);
      }
      this.stderrCapacity = value;
      return this;
    }

    /** How long {@link #close()} waits at each step: after closing stdin, and after SIGTERM. */
    public Builder shutdownGrace(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(
            "shutdownGrace of server '" + config.name() + "' must be positive, was " + value);
      }
      this.shutdownGrace = value;
      return this;
    }

    /**
     * The parent environment: the child inherits it (plus the configured env) and {@code ${VAR}} references are
     * expanded against it. Defaults to this JVM's environment.
     */
    public Builder environment(Map<String, String> value) {
      this.environment = Map.copyOf(value);
      return this;
    }

    /** @throws IllegalArgumentException when a {@code ${VAR}} reference without a default names an unset variable */
    public StdioTransport build() {
      return new StdioTransport(this);
    }
  }
}
