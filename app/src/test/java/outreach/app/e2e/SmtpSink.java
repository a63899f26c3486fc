package outreach.app.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Postfix's {@code smtp-sink} as the real SMTP peer of an end-to-end test: one process on a free 127.0.0.1
 * port, started with the test's options (for example {@code -f RCPT -B "550 5.1.1 User unknown"} to hard-reject
 * every recipient, {@code -r RCPT} to soft-reject, {@code -Q RCPT} to answer 421 and hang up).
 *
 * <p>It always runs with {@code -v}, so every SMTP command it reads is logged; a reader thread stamps each line
 * with the time it arrived and keeps the commands ({@link #commands()}), and copies the lines to
 * {@code sink-<name>.log} in the test's log folder. It always runs with {@code -d}, so every message it accepts
 * is dumped to its own file under {@code sink-<name>/}; {@link #messages()} parses them (envelope, From, To,
 * Message-ID, and the file's modification time as the time of receipt).
 *
 * <p>Run as root, the sink drops to {@code nobody} ({@code -u}, which smtp-sink demands then) and its dump
 * folder is made writable for that user. Without {@code /usr/sbin/smtp-sink} (Debian package {@code postfix})
 * {@link #start} fails at once and says how to install it.
 *
 * <p>smtp-sink announces AUTH and answers it with {@code 250 2.0.0 Ok}, which no client takes for a successful
 * login (RFC 4954 wants 235): a sink that stands for a working account is started with {@code -a}, so it does not
 * announce AUTH and the client sends none.
 */
public final class SmtpSink implements AutoCloseable {

  /** Where Debian's postfix package installs smtp-sink; system property {@code smtp-sink} overrides it. */
  public static final Path BINARY = Path.of(System.getProperty("smtp-sink", "/usr/sbin/smtp-sink"));

  private static final String UNPRIVILEGED_USER = "nobody";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  /** An SMTP command as smtp-sink -v logs it: "RCPT TO:<a@b.c>", "AUTH LOGIN", "MAIL FROM:<...> BODY=8BITMIME". */
  private static final Pattern COMMAND =
      Pattern.compile("^(HELO|EHLO|LHLO|AUTH|MAIL|RCPT|DATA|RSET|NOOP|QUIT|VRFY|STARTTLS|XCLIENT|XFORWARD|\\.)(?:\\s+(.*))?$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ANGLE_ADDRESS = Pattern.compile("<([^>]*)>");

  /** One SMTP command the sink read, with the time the test saw its log line. */
  public record Command(Instant at, String verb, String argument) {

    /** The address inside angle brackets of a MAIL or RCPT argument, lower-cased; empty when there is none. */
    public String address() {
      Matcher m = ANGLE_ADDRESS.matcher(argument);
      return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "";
    }
  }

  /** A message the sink accepted, read back from its dump file. */
  public record Message(
      Path file,
      Instant receivedAt,
      String envelopeFrom,
      List<String> envelopeRecipients,
      String from,
      String to,
      String messageId,
      Map<String, List<String>> headers) {

    /** The address in the From header (lower-cased). */
    public String fromAddress() {
      return addressIn(from);
    }

    /** The address in the To header (lower-cased). */
    public String toAddress() {
      return addressIn(to);
    }

    /** The first value of a header (names are case-insensitive), if present. */
    public Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
  }

  private final String name;
  private final int port;
  private final Path dumpDir;
  private final Path log;
  /** Appended to by the reader thread, read under its lock (a copy-on-write list would copy itself per line). */
  private final List<Command> commands = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile Process process;
  private volatile List<String> options;
  private volatile Thread reader;

  private SmtpSink(String name, Path logDir) {
    this.name = name;
    this.port = E2eSupport.freePort();
    this.log = logDir.resolve("sink-" + name + ".log");
    this.dumpDir = dumpFolder(logDir, name);
  }

  /** Fails with instructions when smtp-sink is not installed. */
  public static void requireInstalled() {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is not installed; the end-to-end tests use Postfix's smtp-sink as their SMTP server. Install it with:"
              + " echo \"postfix postfix/main_mailer_type select No configuration\" | sudo debconf-set-selections &&"
              + " sudo DEBIAN_FRONTEND=noninteractive apt-get install -y postfix");
    }
  }

  /**
   * Starts smtp-sink named {@code name} (its greeting host name, log and dump folder) with {@code options}
   * besides the ones the fixture always passes, and waits until it accepts connections.
   */
  public static SmtpSink start(String name, Path logDir, String... options) {
    requireInstalled();
    SmtpSink sink = new SmtpSink(name, logDir);
    try {
      Files.deleteIfExists(sink.log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + sink.log, e);
    }
    sink.launch(List.of(options));
    return sink;
  }

  /** Stops the sink and starts it again on the same port and dump folder with other options. */
  public void restart(String... newOptions) {
    stopProcess();
    note("restart with " + List.of(newOptions));
    launch(List.of(newOptions));
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public Path dumpDir() {
    return dumpDir;
  }

  public Path log() {
    return log;
  }

  /** The options of the running process (besides the fixed ones). */
  public List<String> options() {
    return options;
  }

  /** Every SMTP command read so far, oldest first. */
  public List<Command> commands() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  /** The commands with this verb (RCPT, MAIL, AUTH, ...), oldest first. */
  public List<Command> commands(String verb) {
    String v = verb.toUpperCase(Locale.ROOT);
    return commands().stream().filter(c -> c.verb().equals(v)).toList();
  }

  /** When RCPT TO was issued for {@code address} (case-insensitive), oldest first. */
  public List<Instant> rcptAttempts(String address) {
    String a = address.toLowerCase(Locale.ROOT);
    return commands("RCPT").stream().filter(c -> c.address().equals(a)).map(Command::at).toList();
  }

  /** The messages accepted so far whose dump is complete, in order of receipt. */
  public List<Message> messages() {
    List<Message> messages = new ArrayList<>();
    try (Stream<Path> files = Files.list(dumpDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        parse(f).ifPresent(messages::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dumpDir, e);
    }
    messages.sort(Comparator.comparing(Message::receivedAt).thenComparing(m -> m.file().toString()));
    return messages;
  }

  /** How many dump files there are (cheap: no parsing; may include one being written). */
  public int fileCount() {
    try (Stream<Path> files = Files.list(dumpDir)) {
      return (int) files.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dumpDir, e);
    }
  }

  /** Fails with the tail of the sink's log when the process has exited. */
  public void assertRunning() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new AssertionError("smtp-sink " + name + " is not running" + (p == null ? "" : " (exit " + p.exitValue() + ")")
          + "; last lines of " + log + ":\n" + E2eSupport.tail(log, 30));
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL); the dump files stay. */
  @Override
  public void close() {
    stopProcess();
  }

  @Override
  public String toString() {
    return "smtp-sink " + name + " on 127.0.0.1:" + port + " " + options;
  }

  // ---------------------------------------------------------------- process

  /**
   * Connections the kernel queues for the sink before it accepts them. Smtp-source opens every session of the
   * baseline at once (1,200 in the throughput benchmark), and so do the accounts of a campaign starting: with a
   * queue of 100 the kernel dropped the rest of the connection attempts, and each retried after a second or
   * more, which made the baseline's figure jump between runs. The kernel caps it at net.core.somaxconn.
   */
  static final int LISTEN_BACKLOG = 4096;

  private void launch(List<String> extra) {
    List<String> command = new ArrayList<>();
    command.add(BINARY.toString());
    if (runningAsRoot()) {
      command.add("-u");
      command.add(UNPRIVILEGED_USER);
    }
    command.add("-v");
    command.add("-h");
    command.add(name);
    command.add("-d");
    command.add(dumpDir + "/%Y%m%d%H%M%S.");
    command.addAll(extra);
    command.add("127.0.0.1:" + port);
    command.add(String.valueOf(LISTEN_BACKLOG));
    note("start: " + String.join(" ", command));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    process = p;
    options = List.copyOf(extra);
    Thread t = new Thread(() -> readOutput(p), "smtp-sink-" + name);
    t.setDaemon(true);
    t.start();
    reader = t;
    awaitListening(p);
  }

  private void awaitListening(Process p) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        awaitReader();
        throw new AssertionError("smtp-sink " + name + " exited at start with status " + p.exitValue() + ":\n"
            + E2eSupport.tail(log, 30));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          p.waitFor(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while starting smtp-sink " + name, e);
        }
      }
    }
    throw new AssertionError("smtp-sink " + name + " did not listen on 127.0.0.1:" + port + " within "
        + START_TIMEOUT.toSeconds() + " s:\n" + E2eSupport.tail(log, 30));
  }

  /**
   * Signals the sink through its process handle, not {@link Process#destroy()}: that also closes the
   * pipe the reader drains, and the lines the sink wrote in its last milliseconds (a RCPT it refused
   * just before the stop, say) were lost with it, so the checker counted a refused recipient as lost.
   * The reader reads the pipe to its end once the process is gone.
   */
  private void stopProcess() {
    Process p = process;
    if (p == null) return;
    ProcessHandle handle = p.toHandle();
    if (p.isAlive()) {
      handle.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          handle.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        handle.destroyForcibly();
      }
    }
    awaitReader();
    note("stopped");
  }

  private void awaitReader() {
    Thread t = reader;
    if (t == null) return;
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readOutput(Process p) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer out =
            Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        Instant at = Instant.now();
        // "/usr/sbin/smtp-sink: RCPT TO:<a@b.c>"
        int colon = line.indexOf(": ");
        String text = colon >= 0 && line.substring(0, colon).endsWith("smtp-sink") ? line.substring(colon + 2) : line;
        Matcher m = COMMAND.matcher(text);
        if (m.matches()) commands.add(new Command(at, m.group(1).toUpperCase(Locale.ROOT), m.group(2) == null ? "" : m.group(2).trim()));
        out.write(at + " " + text + System.lineSeparator());
        if (!in.ready()) out.flush();
      }
    } catch (IOException e) {
      // the process ended; its output is complete as far as it got
    }
  }

  private void note(String what) {
    try {
      Files.writeString(log, Instant.now() + " === fixture: " + what + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the note only helps reading the log
    }
  }

  // ---------------------------------------------------------------- files

  /**
   * An empty dump folder the sink's user can write to: under the test's log folder when every folder above it
   * lets others through, else a temporary folder.
   */
  /**
   * Moves the messages received so far to a folder next to the dump folder, named with {@code suffix}, and gives
   * the sink a new, empty dump folder at the same path (it opens its dump files by path, one per message): the
   * messages after this are by themselves, in a folder that never held the others. Answers the moved folder.
   */
  public Path setAsideDumps(String suffix) {
    try {
      Path aside = dumpDir.resolveSibling(dumpDir.getFileName() + "-" + suffix);
      Files.move(dumpDir, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.createDirectories(dumpDir);
      if (runningAsRoot()) Files.setPosixFilePermissions(dumpDir, PosixFilePermissions.fromString("rwxrwxrwx"));
      return aside;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set aside the dumps of " + dumpDir, e);
    }
  }

  private static Path dumpFolder(Path logDir, String name) {
    try {
      Path dir = logDir.resolve("sink-" + name);
      boolean root = runningAsRoot();
      if (root && !traversableByOthers(logDir.toAbsolutePath())) dir = Files.createTempDirectory("smtp-sink-" + name);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> old = Files.list(dir)) {
          for (Path f : old.toList()) Files.deleteIfExists(f);
        }
      }
      Files.createDirectories(dir);
      if (root) Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the dump folder of smtp-sink " + name, e);
    }
  }

  private static boolean traversableByOthers(Path dir) throws IOException {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) return false;
    }
    return true;
  }

  private static boolean runningAsRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * A dump file: smtp-sink's own X-Mail-Args / X-Rcpt-Args / Received lines, then the message as received.
   * Empty while the header block is incomplete (a transaction still being written).
   */
  private static Optional<Message> parse(Path file) {
    String text;
    Instant modified;
    try {
      modified = Files.getLastModifiedTime(file).toInstant();
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return Optional.empty();
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String current = null;
    StringBuilder value = new StringBuilder();
    boolean headerEnded = false;
    for (String line : text.split("\r?\n", -1)) {
      if (line.isEmpty()) {
        headerEnded = true;
        break;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
        value.append(' ').append(line.strip());
        continue;
      }
      if (current != null) headers.computeIfAbsent(current, k -> new ArrayList<>()).add(value.toString().strip());
      int colon = line.indexOf(':');
      if (colon <= 0) {
        current = null;
        continue;
      }
      current = line.substring(0, colon).toLowerCase(Locale.ROOT);
      value = new StringBuilder(line.substring(colon + 1));
    }
    if (current != null && headerEnded) headers.computeIfAbsent(current, k -> new ArrayList<>()).add(value.toString().strip());
    List<String> ids = headers.getOrDefault("message-id", List.of());
    if (!headerEnded || ids.isEmpty()) return Optional.empty();
    List<String> rcpts = headers.getOrDefault("x-rcpt-args", List.of()).stream().map(SmtpSink::addressIn).toList();
    String envelopeFrom = addressIn(headers.getOrDefault("x-mail-args", List.of("")).get(0));
    return Optional.of(
        new Message(
            file,
            modified,
            envelopeFrom,
            rcpts,
            headers.getOrDefault("from", List.of("")).get(0),
            headers.getOrDefault("to", List.of("")).get(0),
            ids.get(0),
            headers));
  }

  /** The address in angle brackets if there are any, else the trimmed text; lower-cased. */
  static String addressIn(String text) {
    Matcher m = ANGLE_ADDRESS.matcher(text);
    return (m.find() ? m.group(1) : text.strip()).toLowerCase(Locale.ROOT);
  }
}
