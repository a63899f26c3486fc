package outreach.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import outreach.persistence.EmbeddedDatabase;

/**
 * A whole sending run under a fault, Jepsen-style: PostgreSQL, Postfix smtp-sink saving every message, and 1 or 3
 * {@code outreach.jar node} processes; tenants, accounts (pointing at the sink) and a campaign per tenant created
 * through the HTTP API only; a fault injected while the campaigns send; then, once every campaign is complete, the
 * independent checker ({@code bench/Checker.java}, a separate process that reads only the sink's files and the plan
 * this harness wrote) decides whether anything was lost or any limit exceeded.
 *
 * <p>Scenarios: {@code none}; {@code kill} (kill -9 of one node, a random one, at random moments, then a restart);
 * {@code kill-busiest} (kill -9 of the node hosting the account the sink heard most from); {@code postgres}
 * (PostgreSQL stopped mid-campaign and started again); {@code smtp-faults} (the sink restarted in phases that
 * answer 4xx or 5xx to RCPT, 421 to MAIL, or hang up after the end of DATA, each restart dropping every open
 * connection). Run {@code bench/faults.sh --help} for the options.
 */
public final class SendingBench {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC);

  /** What one run is made of. */
  record Settings(
      String scenario,
      int runs,
      int nodes,
      int tenants,
      int accountsPerTenant,
      int recipients,
      int domains,
      List<String> accountLimits,
      String domainTenantLimits,
      String domainSystemLimits,
      String globalLimit,
      int kills,
      double faultFrom,
      double faultTo,
      Duration outage,
      Duration timeout,
      long seed,
      Path out,
      String nodeHeap,
      boolean baseline,
      boolean jfr,
      String gcOption,
      List<String> jvmOptions,
      int warmup,
      boolean quiet) {

    static Settings parse(String[] args) {
      Map<String, String> o = new LinkedHashMap<>();
      o.put("scenario", "kill");
      o.put("runs", "1");
      o.put("nodes", "3");
      o.put("tenants", "2");
      o.put("accounts", "20");
      o.put("recipients", "3000");
      o.put("domains", "12");
      o.put("account-limits", "15/5s,2000/1d");
      o.put("domain-tenant", "40/5s");
      o.put("domain-system", "60/5s");
      o.put("global", "300/5s");
      o.put("kills", "1");
      o.put("fault-from", "0.25");
      o.put("fault-to", "0.6");
      o.put("outage", "8s");
      o.put("timeout", "10m");
      o.put("seed", String.valueOf(System.nanoTime()));
      o.put("out", "bench/out/faults");
      o.put("heap", "512m");
      o.put("baseline", "false");
      o.put("jfr", "false");
      o.put("gc", "parallel");
      o.put("jvm-options", "");
      o.put("warmup", "0");
      o.put("quiet", "false");
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "'");
        String key = a.substring(2);
        if (!o.containsKey(key)) throw new IllegalArgumentException("unknown option " + a);
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
        o.put(key, args[++i]);
      }
      Set<String> scenarios = Set.of("none", "kill", "kill-busiest", "postgres", "smtp-faults");
      if (!scenarios.contains(o.get("scenario"))) {
        throw new IllegalArgumentException("--scenario is one of " + new TreeSet<>(scenarios));
      }
      Settings s = new Settings(
          o.get("scenario"),
          positive(o, "runs"),
          positive(o, "nodes"),
          positive(o, "tenants"),
          positive(o, "accounts"),
          positive(o, "recipients"),
          positive(o, "domains"),
          List.of(o.get("account-limits").split(",")),
          o.get("domain-tenant"),
          o.get("domain-system"),
          o.get("global"),
          Integer.parseInt(o.get("kills")),
          Double.parseDouble(o.get("fault-from")),
          Double.parseDouble(o.get("fault-to")),
          duration(o.get("outage")),
          duration(o.get("timeout")),
          Long.parseLong(o.get("seed")),
          Path.of(o.get("out")).toAbsolutePath(),
          o.get("heap"),
          Boolean.parseBoolean(o.get("baseline")),
          Boolean.parseBoolean(o.get("jfr")),
          gcOption(o.get("gc")),
          o.get("jvm-options").isBlank() ? List.of() : List.of(o.get("jvm-options").trim().split("\\s+")),
          Integer.parseInt(o.get("warmup")),
          Boolean.parseBoolean(o.get("quiet")));
      if (s.faultFrom < 0 || s.faultTo > 1 || s.faultFrom > s.faultTo) {
        throw new IllegalArgumentException("--fault-from and --fault-to are shares of the recipients, 0 <= from <= to <= 1");
      }
      if (s.scenario.startsWith("kill") && s.nodes < 2) throw new IllegalArgumentException("killing a node needs --nodes 2 or more");
      if (s.warmup < 0) throw new IllegalArgumentException("--warmup must be 0 or more");
      // The checker does not see the warm-up's messages; where limits are tight they would still count against them.
      if (s.warmup > 0 && !s.scenario.equals("none")) throw new IllegalArgumentException("--warmup goes with --scenario none");
      return s;
    }

    private static String gcOption(String gc) {
      return switch (gc) {
        case "parallel" -> "-XX:+UseParallelGC";
        case "g1" -> "-XX:+UseG1GC";
        default -> throw new IllegalArgumentException("--gc is parallel or g1, not " + gc);
      };
    }

    private static int positive(Map<String, String> o, String key) {
      int v = Integer.parseInt(o.get(key));
      if (v < 1) throw new IllegalArgumentException("--" + key + " must be at least 1");
      return v;
    }

    private static Duration duration(String text) {
      if (text.endsWith("ms")) return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      long n = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException("a duration such as 8s, 10m or 500ms, not " + text);
      };
    }
  }

  /** What one run found. */
  record Outcome(
      int run,
      boolean passed,
      Properties checker,
      int faults,
      int duplicateBound,
      boolean duplicatesOnlyFromFaultedAccounts,
      double worstResumeSeconds,
      double seconds,
      Path dir,
      Throughput throughput) {}

  /**
   * How fast the run sent: messages from the campaigns' start to the last message the server accepted, the nodes'
   * CPU time and journal rows over that span per message, the nodes' peak heap after start (from their GC logs),
   * the most SMTP sessions open at once, the mean message size; and the smtp-source baseline when asked for.
   */
  record Throughput(
      int messages,
      double seconds,
      double cpuSeconds,
      double jitCpuSeconds,
      double postgresCpuSeconds,
      double sinkCpuSeconds,
      long journalRows,
      long peakHeapMb,
      int peakSessions,
      long meanMessageBytes,
      double baselinePerSecond) {

    double perSecond() {
      return seconds <= 0 ? 0 : messages / seconds;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "%d messages in %.1f s = %.0f emails/s; CPU of the nodes %.1f s (%.2f ms per email; their JIT compilers %.1f s), of PostgreSQL %.1f s,"
              + " of smtp-sink %.1f s; %.2f journal rows per email;"
              + " peak heap %d MB; %d SMTP sessions at most; %d bytes per message%s",
          messages, seconds, perSecond(), cpuSeconds, messages == 0 ? 0 : cpuSeconds * 1000 / messages, jitCpuSeconds,
          postgresCpuSeconds, sinkCpuSeconds, messages == 0 ? 0 : (double) journalRows / messages, peakHeapMb, peakSessions, meanMessageBytes,
          baselinePerSecond > 0
              ? String.format(Locale.ROOT, "; smtp-source baseline %.0f emails/s, ratio %.2f", baselinePerSecond, perSecond() / baselinePerSecond)
              : "");
    }
  }

  private final Settings s;
  private final Random random;
  /** Set-up calls (1,200 accounts, 50,000-row uploads, campaigns over every account) may take a while. */
  private final HttpJson http = new HttpJson(Duration.ofMinutes(5), false);

  SendingBench(Settings settings) {
    this.s = settings;
    this.random = new Random(settings.seed);
  }

  public static void main(String[] args) {
    Settings settings;
    try {
      if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
        System.out.println(usage());
        return;
      }
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("faults: " + e.getMessage() + "\n\n" + usage());
      System.exit(2);
      return;
    }
    List<Outcome> outcomes = new SendingBench(settings).runAll();
    System.exit(outcomes.stream().allMatch(Outcome::passed) ? 0 : 1);
  }

  static String usage() {
    return """
        usage: bench/faults.sh [--scenario none|kill|kill-busiest|postgres|smtp-faults] [--runs N] [options]
          --nodes N            nodes (3)                  --tenants N        tenants, a campaign each (2)
          --accounts N         accounts per tenant (20)   --recipients N     recipients in all (3000)
          --domains N          recipient domains (12)     --account-limits L every account's limits (15/5s,2000/1d)
          --domain-tenant L    per domain and tenant (40/5s)
          --domain-system L    per domain, all tenants (60/5s)
          --global L           system-wide limit, or off (300/5s)
          --kills N            kill -9s per run in kill scenarios (1)
          --fault-from F --fault-to F   faults happen between these shares of the recipients received (0.25, 0.6)
          --outage D           how long PostgreSQL stays down (8s)
          --timeout D          how long a run may take (10m)
          --seed N             random seed (moments, victims)
          --out DIR            where runs write (bench/out/faults)
          --heap SIZE          -Xmx of each node (512m)
          --baseline true      after each run, smtp-source into a fresh sink: same message size and concurrency
          --jfr true           record each node with Java Flight Recorder (in the run's folder, jfr/)
          --gc parallel|g1     the nodes' garbage collector (parallel, as deploy/Dockerfile runs them)
          --jvm-options "O.."  further JVM options for each node, space-separated (none)
          --warmup N           with --scenario none: first a campaign of N recipients per tenant through the
                               same accounts, to the same domains, sent to the end and then left out of the
                               figures and the check (0); then the run waits until the nodes' JIT compilers
                               are idle: it measures a node that has been sending""";
  }

  List<Outcome> runAll() {
    List<Outcome> outcomes = new ArrayList<>();
    for (int run = 1; run <= s.runs; run++) {
      Outcome o = new Run(run).execute();
      outcomes.add(o);
      System.out.println(row(o));
    }
    System.out.println();
    System.out.println(table(outcomes));
    try {
      Files.createDirectories(s.out);
      Files.writeString(s.out.resolve("results.md"), table(outcomes) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return outcomes;
  }

  private String row(Outcome o) {
    Properties c = o.checker;
    return String.format(Locale.ROOT, "faults: run %d %s: delivered %s of %s, lost %s, duplicates %s (bound %d), violations %s, resume gap %.1f s, %.0f s in all — %s%n  throughput: %s",
        o.run, o.passed ? "PASS" : "FAIL", c.getProperty("delivered"), c.getProperty("uploaded"), c.getProperty("lost"),
        c.getProperty("duplicates"), o.duplicateBound, c.getProperty("violations"), o.worstResumeSeconds, o.seconds, o.dir,
        o.throughput);
  }

  private String table(List<Outcome> outcomes) {
    StringBuilder t = new StringBuilder();
    t.append(String.format(Locale.ROOT, "scenario %s, %d node(s), %d tenants x %d accounts, %d recipients over %d domains, seed %d%n",
        s.scenario, s.nodes, s.tenants, s.accountsPerTenant, s.recipients, s.domains, s.seed));
    t.append("| run | result | faults | delivered | lost | duplicates (bound) | worst window / limit | resume gap s | emails/s | run s |\n");
    t.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Outcome o : outcomes) {
      Properties c = o.checker;
      String worst = c.stringPropertyNames().stream().filter(k -> k.startsWith("worst.")).sorted()
          .map(k -> k.substring(6) + " " + c.getProperty(k)).collect(Collectors.joining(", "));
      t.append(String.format(Locale.ROOT, "| %d | %s | %d | %s/%s | %s | %s (%d) | %s | %.1f | %.0f | %.0f |%n", o.run,
          o.passed ? "pass" : "FAIL", o.faults, c.getProperty("delivered"), c.getProperty("uploaded"), c.getProperty("lost"),
          c.getProperty("duplicates"), o.duplicateBound, worst, o.worstResumeSeconds, o.throughput.perSecond(), o.seconds));
    }
    return t.toString();
  }

  // ---------------------------------------------------------------- one run

  private final class Run {
    private final int number;
    private final Path dir;
    private final List<String> notes = new ArrayList<>();
    private final List<Instant> faultTimes = new ArrayList<>();
    private final Set<String> faultedSenders = new TreeSet<>();
    private int duplicateBound;
    private EmbeddedDatabase database;
    private int databasePort;

    Run(int number) {
      this.number = number;
      this.dir = s.out.resolve(STAMP.format(Instant.now()) + "-" + s.scenario + "-" + number);
    }

    Outcome execute() {
      long started = System.nanoTime();
      try {
        Files.createDirectories(s.jfr ? dir.resolve("jfr") : dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      databasePort = E2eSupport.freePort();
      database = EmbeddedDatabase.start(dir.resolve("postgres"), databasePort);
      SmtpSink sink = SmtpSink.start("sink", dir, "-a", "-m", "2000");
      Instant startedAt;
      double cpuAtStart;
      double cpuAtEnd;
      double jitAtStart;
      double jitAtEnd;
      double[] othersAtStart;
      double[] othersAtEnd;
      long rowsAtStart;
      long rowsAtEnd;
      ReadModelLag readModelLag;
      try (ClusterHarness cluster = cluster()) {
        List<Tenant> tenants = setUp(cluster, sink);
        writePlan(tenants);
        syncFileSystems();
        cpuAtStart = cpuSeconds(cluster);
        jitAtStart = jitCpuSeconds(cluster);
        othersAtStart = otherCpuSeconds(sink);
        rowsAtStart = journalRows();
        startedAt = Instant.now();
        for (Tenant t : tenants) t.start();
        note("campaigns started; " + s.recipients + " recipients");
        injectFaults(cluster, sink, tenants);
        awaitCompletion(cluster, tenants);
        cpuAtEnd = cpuSeconds(cluster);
        jitAtEnd = jitCpuSeconds(cluster);
        othersAtEnd = otherCpuSeconds(sink);
        rowsAtEnd = journalRows();
        readModelLag = awaitReadModel(cluster, tenants, sink);
        if (s.jfr) for (ClusterHarness.Node n : cluster.runningNodes()) cluster.stop(n.number());
      } finally {
        sink.close();
        database.close();
      }
      Throughput throughput = throughput(sink, startedAt, cpuAtEnd - cpuAtStart, jitAtEnd - jitAtStart,
          othersAtEnd[0] - othersAtStart[0], othersAtEnd[1] - othersAtStart[1], rowsAtEnd - rowsAtStart);
      note("throughput: " + throughput + "; " + readModelLag);
      Properties checker = check(sink);
      double resume = worstResume(sink);
      boolean dupsFromFaulted =
          checker.getProperty("duplicate-senders", "").isEmpty()
              || !s.scenario.startsWith("kill")
              || faultedSenders.containsAll(List.of(checker.getProperty("duplicate-senders").split(",")));
      int dups = Integer.parseInt(checker.getProperty("duplicates", "0"));
      // Sending resumes within RESUME_TARGET of a kill, or the run missed a target.
      boolean resumedInTime = !s.scenario.startsWith("kill") || resume <= RESUME_TARGET_SECONDS;
      boolean passed = "PASS".equals(checker.getProperty("result")) && dups <= duplicateBound && dupsFromFaulted && resumedInTime;
      if (dups > duplicateBound) note("FAIL: " + dups + " duplicates, more than the " + duplicateBound + " transactions that could be in flight");
      if (!resumedInTime) note(String.format(Locale.ROOT, "FAIL: sending resumed %.1f s after the kill, more than %.0f s", resume, RESUME_TARGET_SECONDS));
      if (!dupsFromFaulted) note("FAIL: a duplicate came from an account the fault did not touch: " + checker.getProperty("duplicate-senders"));
      writeNotes();
      return new Outcome(number, passed, checker, faultTimes.size(), duplicateBound, dupsFromFaulted, resume,
          (System.nanoTime() - started) / 1e9, dir, throughput);
    }

    /** CPU time of the running nodes' processes so far. */
    private double cpuSeconds(ClusterHarness cluster) {
      double total = 0;
      for (ClusterHarness.Node n : cluster.runningNodes()) {
        total += n.process().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
      }
      return total;
    }

    /** Linux's clock ticks per second in /proc/<pid>/task/<tid>/stat (USER_HZ). */
    private static final double CLOCK_TICKS = 100.0;

    /**
     * CPU seconds of the nodes' JIT compiler threads so far (Linux, from /proc): how much of a run's CPU went to
     * compiling rather than sending. A thread the JVM has ended since takes its count with it.
     */
    private double jitCpuSeconds(ClusterHarness cluster) {
      double total = 0;
      for (ClusterHarness.Node n : cluster.runningNodes()) {
        Path tasks = Path.of("/proc", String.valueOf(n.process().pid()), "task");
        try (var ids = Files.list(tasks)) {
          for (Path task : ids.toList()) {
            try {
              String stat = Files.readString(task.resolve("stat"));
              String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
              if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) continue;
              // After the name: state, then ppid...; utime and stime are the 12th and 13th fields from state.
              String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
            } catch (IOException | RuntimeException e) {
              // The thread ended while being read: its time is gone with it.
            }
          }
        } catch (IOException e) {
          // No /proc (not Linux), or the node exited: nothing to count.
        }
      }
      return total;
    }

    private long journalRows() {
      try (var c = java.sql.DriverManager.getConnection(database.jdbcUrl(), "postgres", "");
          var st = c.createStatement();
          var rs = st.executeQuery("SELECT count(*) FROM event_journal")) {
        rs.next();
        return rs.getLong(1);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot count the journal's rows", e);
      }
    }

    /**
     * CPU time so far of this run's PostgreSQL (the server and its backends, found by their data folder; a backend
     * that ended takes its time with it, the pooled connections live as long as the nodes) and of its smtp-sink.
     */
    private double[] otherCpuSeconds(SmtpSink sink) {
      String dataDir = dir.resolve("postgres").toString();
      double postgres = 0;
      double smtp = 0;
      long serverPid = -1;
      try {
        serverPid = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(0).trim());
      } catch (IOException | RuntimeException e) {
        // no server pid: only what the command lines tell
      }
      for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
        String cmd = p.info().commandLine().orElse("");
        double cpu = p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        boolean ofServer = p.pid() == serverPid || p.parent().map(ProcessHandle::pid).orElse(-2L) == serverPid;
        if (ofServer || cmd.contains(dataDir)) postgres += cpu;
        else if (cmd.contains("smtp-sink") && cmd.contains(sink.dumpDir().toString())) smtp += cpu;
      }
      return new double[] {postgres, smtp};
    }

    private Throughput throughput(
        SmtpSink sink, Instant startedAt, double cpu, double jitCpu, double postgresCpu, double sinkCpu, long rows) {
      List<SmtpSink.Message> messages = sink.messages();
      Instant last = messages.isEmpty() ? startedAt : messages.get(messages.size() - 1).receivedAt();
      double seconds = Duration.between(startedAt, last).toNanos() / 1e9;
      long bytes = 0;
      for (SmtpSink.Message m : messages) {
        try {
          bytes += Files.size(m.file());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      long mean = messages.isEmpty() ? 0 : bytes / messages.size();
      int sessions = peakSessions(sink.log());
      double baseline = s.baseline ? baseline(messages.size(), Math.max(1, sessions), mean) : 0;
      return new Throughput(messages.size(), seconds, cpu, jitCpu, postgresCpu, sinkCpu, rows, peakHeapMb(), sessions, mean, baseline);
    }

    /** The most SMTP sessions open at once, from the sink's log (connect and disconnect lines). */
    private int peakSessions(Path log) {
      int open = 0;
      int peak = 0;
      for (String line : readLines(log)) {
        if (line.contains(" connect (AF_INET")) peak = Math.max(peak, ++open);
        else if (line.endsWith(" disconnect") && open > 0) open--;
        else if (line.contains("=== fixture:")) open = 0;
      }
      return peak;
    }

    /** The largest heap in use before any collection, over the nodes' GC logs. */
    private long peakHeapMb() {
      long peak = 0;
      java.util.regex.Pattern used = java.util.regex.Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
      try (var files = Files.list(dir)) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith("gc-node-")).toList()) {
          for (String line : readLines(f)) {
            var m = used.matcher(line);
            if (m.find()) peak = Math.max(peak, Long.parseLong(m.group(1)));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return peak;
    }

    /** The longest a campaign may go without a message after a kill (a target of the fault scenarios). */
    private static final double RESUME_TARGET_SECONDS = 15.0;

    /** How many times the baseline runs; its median is the figure (one run alone moves with the disk's state). */
    private static final int BASELINE_RUNS = 3;

    /**
     * Postfix's smtp-source into a fresh smtp-sink started like the run's (same options, dump files and log): the
     * same number of messages of the same size, over as many sessions as the run had open at most, each session
     * reusing its connection. It runs {@link #BASELINE_RUNS} times, each into a sink of its own after the
     * file system has written out what came before ({@code sync}), and the median counts: the sink writes one
     * file per message, so a single run measures the disk's state at that moment as much as SMTP.
     */
    private double baseline(int messages, int sessions, long size) {
      List<Double> rates = new ArrayList<>();
      for (int run = 1; run <= BASELINE_RUNS; run++) rates.add(baselineRun(run, messages, sessions, size));
      List<Double> sorted = rates.stream().sorted().toList();
      double median = sorted.get(sorted.size() / 2);
      note(String.format(Locale.ROOT, "smtp-source baseline: median %.0f/s of %s", median,
          rates.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList()));
      return median;
    }

    private double baselineRun(int run, int messages, int sessions, long size) {
      syncFileSystems();
      SmtpSink sink = SmtpSink.start("baseline-" + run, dir, "-a", "-m", "2000");
      try {
        // smtp-source adds about 250 bytes of headers of its own, and the sink its own records: match the body.
        long body = Math.max(100, size - 450);
        Path log = dir.resolve("smtp-source-" + run + ".log");
        List<String> command = List.of("/usr/sbin/smtp-source", "-d", "-s", String.valueOf(sessions), "-m",
            String.valueOf(messages), "-l", String.valueOf(body), "-f", "bench@sender.example.com", "-t",
            "someone@d0.example.com", "127.0.0.1:" + sink.port());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new IllegalStateException("smtp-source failed: " + Files.readString(log));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int received = sink.fileCount();
        long bytes = 0;
        try (var files = Files.list(sink.dumpDir())) {
          for (Path f : files.toList()) bytes += Files.size(f);
        }
        note(String.format(Locale.ROOT, "smtp-source baseline %d: %d messages (%d received, %d bytes each) over %d sessions in %.1f s = %.0f/s",
            run, messages, received, received == 0 ? 0 : bytes / received, sessions, seconds, received / seconds));
        return received / seconds;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        sink.close();
      }
    }

    /** Writes out what the file systems hold in memory, so a measurement does not pay for what came before it. */
    private static void syncFileSystems() {
      try {
        Process p = new ProcessBuilder("sync").inheritIO().start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run sync", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private ClusterHarness cluster() {
      ClusterHarness.Builder b =
          ClusterHarness.builder(dir.getFileName().toString())
              .logDir(dir)
              .nodes(s.nodes)
              .database(database.jdbcUrl(), "postgres", "")
              .env("OUTREACH_GLOBAL_LIMIT", s.globalLimit)
              .env("OUTREACH_PUBLIC_URL", "https://links.example.com")
              .env("OUTREACH_RATE_LIMIT", "100000")
              .jvmArg("-Xmx" + s.nodeHeap)
              .jvmArg("-Xlog:gc:file=" + dir.resolve("gc-node-%p.log"))
              .jvmArg("-Doutreach.campaign.recheck-interval=2s")
              .jvmArg("-Doutreach.account.pause-after-failures=5s")
              .jvmArg("-Doutreach.account.health-check-interval=2s")
              .jvmArg("-Doutreach.campaign.domain-deferral=3s")
              .jvmArg("-Doutreach.recipient-domains.deferral=3s")
              .jvmArg("-Doutreach.campaign.bounce-guard.max-rate=0.5")
              .jvmArg("-Doutreach.smtp.read-timeout=10s")
              .jvmArg("-Doutreach.campaign.send-timeout=20s");
      b.jvmArg(s.gcOption);
      s.jvmOptions.forEach(b::jvmArg);
      if (s.jfr) b.jvmArg("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + dir.resolve("jfr") + "/");
      List<String> retry = List.of("1s", "2s", "4s", "8s", "8s");
      for (int i = 0; i < retry.size(); i++) b.jvmArg("-Doutreach.campaign.retry-delays." + i + "=" + retry.get(i));
      indexed(b, "outreach.recipient-domains.tenant-limits", s.domainTenantLimits);
      indexed(b, "outreach.recipient-domains.system-limits", s.domainSystemLimits);
      return b.start();
    }

    private void indexed(ClusterHarness.Builder b, String key, String limits) {
      String[] parts = limits.split(",");
      for (int i = 0; i < parts.length; i++) b.jvmArg("-D" + key + "." + i + "=" + parts[i].trim());
    }

    private List<Tenant> setUp(ClusterHarness cluster, SmtpSink sink) {
      List<Tenant> tenants = new ArrayList<>();
      for (int t = 1; t <= s.tenants; t++) {
        HttpJson.Response r = cluster.post(1 + (t - 1) % s.nodes, "/v1/tenants", cluster.adminToken(), Map.of("name", "Bench " + t));
        require(r, 201);
        tenants.add(new Tenant(cluster, "t" + t, r.requireJson().path("id").asText(), r.requireJson().path("apiKey").asText(), 1 + (t - 1) % s.nodes));
      }
      int perTenant = s.recipients / s.tenants;
      int next = 0;
      for (Tenant t : tenants) {
        long t0 = System.nanoTime();
        for (int a = 1; a <= s.accountsPerTenant; a++) t.createAccount(t.label + "-a" + a, sink);
        long t1 = System.nanoTime();
        int count = t == tenants.get(tenants.size() - 1) ? s.recipients - perTenant * (s.tenants - 1) : perTenant;
        List<String> emails = new ArrayList<>(count);
        for (int i = 0; i < count; i++, next++) emails.add("r" + next + "@d" + (next % s.domains) + ".example.com");
        t.createCampaign(Tenant.CAMPAIGN);
        long t2 = System.nanoTime();
        t.upload(Tenant.CAMPAIGN, emails, dir.resolve("recipients-" + t.label + ".csv"));
        note(String.format(Locale.ROOT, "tenant %s: %d accounts in %.1f s, campaign in %.1f s, %d recipients uploaded in %.1f s",
            t.label, s.accountsPerTenant, (t1 - t0) / 1e9, (t2 - t1) / 1e9, count, (System.nanoTime() - t2) / 1e9));
      }
      if (s.warmup > 0) warmUp(cluster, sink, tenants);
      return tenants;
    }

    /**
     * A campaign per tenant of {@code --warmup} recipients (other addresses, the same domains) through the same
     * accounts, sent to the end; then its messages are set aside in a folder of their own, so that neither the
     * figures nor the check see them.
     */
    private void warmUp(ClusterHarness cluster, SmtpSink sink, List<Tenant> tenants) {
      long t0 = System.nanoTime();
      for (Tenant t : tenants) {
        List<String> emails = new ArrayList<>(s.warmup);
        for (int i = 0; i < s.warmup; i++) emails.add("w" + i + "." + t.label + "@d" + (i % s.domains) + ".example.com");
        t.createCampaign(Tenant.WARM_UP);
        t.upload(Tenant.WARM_UP, emails, dir.resolve("warmup-" + t.label + ".csv"));
        t.start(Tenant.WARM_UP);
      }
      cluster.await("every warm-up campaign completed", s.timeout, Duration.ofMillis(500),
          () -> tenants.stream().allMatch(t -> "completed".equals(t.campaign(Tenant.WARM_UP).path("status").asText())),
          () -> "warm-up not completed");
      int received = sink.fileCount();
      Path aside = sink.setAsideDumps("warmup");
      note(String.format(Locale.ROOT, "warm-up: %d messages in %.1f s, set aside in %s", received, (System.nanoTime() - t0) / 1e9, aside));
      awaitCompilersIdle(cluster);
    }

    /** The JIT counts as idle below this share of a core over {@link #COMPILERS_IDLE_SPAN}. */
    private static final double COMPILERS_IDLE_SHARE = 0.05;

    private static final Duration COMPILERS_IDLE_SPAN = Duration.ofSeconds(2);

    /**
     * After the warm-up: waits (at most 2 minutes) until the nodes' JIT compilers have used less than
     * {@link #COMPILERS_IDLE_SHARE} of a core over {@link #COMPILERS_IDLE_SPAN}. On two busy cores the compilers fall
     * behind, so some methods the warm-up made hot are still queued for compilation when it ends; without this wait
     * the measured campaign would pay for them. What the measured campaign itself compiles, most of the JIT's work
     * in it, still counts (the JIT's CPU is printed with the figures).
     */
    private void awaitCompilersIdle(ClusterHarness cluster) {
      long t0 = System.nanoTime();
      double jit0 = jitCpuSeconds(cluster);
      double[] last = {jit0};
      long[] lastAt = {t0};
      cluster.await("the nodes' JIT compilers idle after the warm-up", Duration.ofMinutes(2), Duration.ofMillis(250),
          () -> {
            long now = System.nanoTime();
            double span = (now - lastAt[0]) / 1e9;
            if (span < COMPILERS_IDLE_SPAN.toMillis() / 1000.0) return false;
            double jit = jitCpuSeconds(cluster);
            boolean idle = (jit - last[0]) / span < COMPILERS_IDLE_SHARE;
            last[0] = jit;
            lastAt[0] = now;
            return idle;
          },
          () -> String.format(Locale.ROOT, "JIT CPU %.1f s since the warm-up ended", last[0] - jit0));
      note(String.format(Locale.ROOT, "after the warm-up the JIT compilers were busy for %.1f s more (%.1f s of CPU)",
          (System.nanoTime() - t0) / 1e9, last[0] - jit0));
    }

    private void writePlan(List<Tenant> tenants) {
      StringBuilder p = new StringBuilder("# what the harness asked for; the checker reads nothing else of Outreach's\n");
      p.append("global ").append(s.globalLimit).append('\n');
      p.append("domain-tenant ").append(s.domainTenantLimits).append('\n');
      p.append("domain-system ").append(s.domainSystemLimits).append('\n');
      p.append("domain-zone UTC\n");
      for (Tenant t : tenants) {
        p.append("tenant ").append(t.label).append(" zone=UTC recipients=recipients-").append(t.label).append(".csv\n");
        for (String a : t.accounts) {
          p.append("account ").append(fromAddress(a)).append(" tenant=").append(t.label).append(" zone=UTC limits=")
              .append(String.join(",", s.accountLimits)).append('\n');
        }
      }
      write(dir.resolve("plan.txt"), p.toString());
    }

    // ---------------------------------------------------------------- faults

    private void injectFaults(ClusterHarness cluster, SmtpSink sink, List<Tenant> tenants) {
      switch (s.scenario) {
        case "kill", "kill-busiest" -> {
          List<Double> moments = moments(s.kills);
          for (double share : moments) {
            awaitReceived(cluster, sink, share);
            int victim = s.scenario.equals("kill") ? 1 + random.nextInt(s.nodes) : hostOfBusiest(cluster, sink, tenants);
            Set<String> hosted = accountsOn(cluster, victim, tenants);
            faultedSenders.addAll(hosted);
            duplicateBound += hosted.size();
            Instant at = Instant.now();
            cluster.kill9(victim);
            faultTimes.add(at);
            note(String.format(Locale.ROOT, "kill -9 of node %d at %s, %d messages received, %d accounts on it",
                victim, at, sink.fileCount(), hosted.size()));
            cluster.restart(victim);
            note("node " + victim + " restarted and Up at " + Instant.now());
          }
        }
        case "postgres" -> {
          List<Double> moments = moments(s.kills);
          for (double share : moments) {
            awaitReceived(cluster, sink, share);
            Instant at = Instant.now();
            database.close();
            faultTimes.add(at);
            note("PostgreSQL stopped at " + at + " with " + sink.fileCount() + " messages received");
            sleep(s.outage);
            database = EmbeddedDatabase.start(dir.resolve("postgres"), databasePort);
            note("PostgreSQL started again at " + Instant.now());
          }
          // A write that failed may have followed a send that reached the server: those sends are re-sent.
          duplicateBound += s.tenants * s.accountsPerTenant * s.kills;
          for (Tenant t : tenants) faultedSenders.addAll(t.accounts.stream().map(SendingBench::fromAddress).toList());
        }
        case "smtp-faults" -> smtpFaults(cluster, sink, tenants);
        default -> {}
      }
    }

    /** Sorted random shares of the recipients in [fault-from, fault-to], one per fault. */
    private List<Double> moments(int n) {
      List<Double> m = new ArrayList<>();
      for (int i = 0; i < n; i++) m.add(s.faultFrom + random.nextDouble() * (s.faultTo - s.faultFrom));
      m.sort(null);
      return m;
    }

    /**
     * Phases of trouble at the server between fault-from and fault-to, each a restart of the sink with other options
     * (a restart drops every open connection): healthy, 450 to RCPT, healthy, hang up after the end of DATA, healthy,
     * 550 5.1.1 to RCPT, 421 to MAIL.
     */
    private void smtpFaults(ClusterHarness cluster, SmtpSink sink, List<Tenant> tenants) {
      awaitReceived(cluster, sink, s.faultFrom);
      List<List<String>> phases = List.of(
          List.of("-r", "RCPT", "-b", "450 4.2.1 Try again later"),
          List.of(),
          List.of("-q", "."),
          List.of(),
          List.of("-f", "RCPT", "-B", "550 5.1.1 User unknown"),
          List.of("-Q", "MAIL"),
          List.of());
      List<Duration> lengths = List.of(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(500),
          Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(4));
      int target = (int) (s.recipients * s.faultTo);
      int cutOff = 0;
      while (sink.fileCount() < target && !allDone(tenants)) {
        for (int i = 0; i < phases.size(); i++) {
          List<String> options = new ArrayList<>(List.of("-a", "-m", "2000"));
          options.addAll(phases.get(i));
          int dotsBefore = sink.commands(".").size();
          sink.restart(options.toArray(String[]::new));
          faultTimes.add(Instant.now());
          sleep(lengths.get(i));
          if (phases.get(i).contains(".")) cutOff += sink.commands(".").size() - dotsBefore;
        }
      }
      sink.restart("-a", "-m", "2000");
      // Every transaction hung up on after its end of DATA may have been saved by the server and is sent again;
      // so may one per account of those open when the sink restarted.
      duplicateBound = cutOff + faultTimes.size() * s.tenants * s.accountsPerTenant;
      note(faultTimes.size() + " sink restarts, " + cutOff + " transactions hung up on after the end of DATA");
    }

    private void awaitReceived(ClusterHarness cluster, SmtpSink sink, double share) {
      int target = (int) Math.ceil(s.recipients * share);
      cluster.await("the sink has " + target + " messages", s.timeout, Duration.ofMillis(50),
          () -> sink.fileCount() >= target, () -> sink.fileCount() + " messages");
    }

    private int hostOfBusiest(ClusterHarness cluster, SmtpSink sink, List<Tenant> tenants) {
      Map<String, Long> perSender = sink.messages().stream()
          .collect(Collectors.groupingBy(SmtpSink.Message::fromAddress, Collectors.counting()));
      String busiest = perSender.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      for (Tenant t : tenants) {
        for (String a : t.accounts) {
          if (fromAddress(a).equals(busiest)) {
            int host = cluster.nodeHosting(t.id + "|" + a);
            note("busiest account " + a + " (" + perSender.get(busiest) + " messages) is on node " + host);
            return host;
          }
        }
      }
      throw new IllegalStateException("the busiest sender " + busiest + " is no account of the plan");
    }

    private Set<String> accountsOn(ClusterHarness cluster, int node, List<Tenant> tenants) {
      Set<String> shards = cluster.shardsOn(node, ClusterHarness.ACCOUNT_ENTITY_TYPE);
      Set<String> hosted = new TreeSet<>();
      for (Tenant t : tenants) {
        for (String a : t.accounts) if (shards.contains(ClusterHarness.shardId(t.id + "|" + a))) hosted.add(fromAddress(a));
      }
      return hosted;
    }

    private boolean allDone(List<Tenant> tenants) {
      return tenants.stream().allMatch(t -> "completed".equals(t.status()));
    }

    /**
     * How long after the campaigns completed the read model (the deliveries' statistics, which the campaign-read
     * projection keeps) counted every recipient the campaigns did, and the nodes' and PostgreSQL's CPU in that
     * time: work of the run that the throughput's figures, taken at completion, leave out.
     */
    record ReadModelLag(double seconds, double nodeCpuSeconds, double postgresCpuSeconds) {
      @Override
      public String toString() {
        return String.format(Locale.ROOT, "read model complete %.1f s after the campaigns (CPU of the nodes %.1f s, of PostgreSQL %.1f s meanwhile)",
            seconds, nodeCpuSeconds, postgresCpuSeconds);
      }
    }

    private ReadModelLag awaitReadModel(ClusterHarness cluster, List<Tenant> tenants, SmtpSink sink) {
      long t0 = System.nanoTime();
      double node0 = cpuSeconds(cluster);
      double postgres0 = otherCpuSeconds(sink)[0];
      AtomicReference<String> last = new AtomicReference<>("");
      cluster.await("the read model counts every recipient", s.timeout, Duration.ofMillis(100),
          () -> {
            boolean all = true;
            StringBuilder b = new StringBuilder();
            for (Tenant t : tenants) {
              JsonNode want = t.campaign().path("counts");
              JsonNode have = t.statistics().path("counts");
              b.append(t.label).append(" campaign ").append(want).append(" read model ").append(have).append("; ");
              for (String field : List.of("total", "sent", "failed", "bounced", "suppressed")) {
                all &= want.path(field).asInt(-1) == have.path(field).asInt(-2);
              }
            }
            last.set(b.toString());
            return all;
          },
          last::get);
      return new ReadModelLag((System.nanoTime() - t0) / 1e9, cpuSeconds(cluster) - node0, otherCpuSeconds(sink)[0] - postgres0);
    }

    private void awaitCompletion(ClusterHarness cluster, List<Tenant> tenants) {
      AtomicReference<String> last = new AtomicReference<>("");
      cluster.await("every campaign completed", s.timeout, Duration.ofMillis(500),
          () -> {
            StringBuilder b = new StringBuilder();
            boolean done = true;
            for (Tenant t : tenants) {
              JsonNode c = t.campaign();
              String status = c.path("status").asText();
              if (status.equals("paused") || status.equals("cancelled")) {
                throw new IllegalStateException("campaign of " + t.label + " is " + status + ": " + c);
              }
              b.append(t.label).append(' ').append(status).append(' ').append(c.path("counts")).append("; ");
              done &= status.equals("completed");
            }
            last.set(b.toString());
            return done;
          },
          last::get);
      note("completed: " + last.get());
    }

    // ---------------------------------------------------------------- checking

    private Properties check(SmtpSink sink) {
      Path summary = dir.resolve("checker.properties");
      Path report = dir.resolve("checker.txt");
      List<String> command = new ArrayList<>(List.of(
          E2eSupport.javaExecutable(), repository().resolve("bench/Checker.java").toString(),
          "--plan", dir.resolve("plan.txt").toString(),
          "--dumps", sink.dumpDir().toString(),
          "--sink-log", sink.log().toString(),
          "--summary", summary.toString()));
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(report.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) throw new IllegalStateException("the checker did not finish");
        String text = Files.readString(report);
        if (!s.quiet) System.out.print(text);
        if (p.exitValue() > 1) throw new IllegalStateException("the checker failed: " + text);
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(summary)) {
          props.load(in);
        }
        return props;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /**
     * The longest a campaign went without a message at the server after a fault: per campaign (the
     * X-Outreach-Campaign header and the tenant), the longest gap between two receipts that ends after the fault
     * and begins within 30 s of it (or of the end of a PostgreSQL outage).
     */
    private double worstResume(SmtpSink sink) {
      if (faultTimes.isEmpty() || s.scenario.equals("smtp-faults")) return 0;
      Map<String, List<Instant>> byCampaign = new LinkedHashMap<>();
      for (SmtpSink.Message m : sink.messages()) {
        String campaign = m.header("X-Outreach-Campaign").orElse("?") + " " + m.fromAddress().replaceFirst("-a\\d+@.*", "");
        byCampaign.computeIfAbsent(campaign, k -> new ArrayList<>()).add(m.receivedAt());
      }
      double worst = 0;
      Duration reach = Duration.ofSeconds(30).plus(s.scenario.equals("postgres") ? s.outage : Duration.ZERO);
      for (Instant fault : faultTimes) {
        for (var e : byCampaign.entrySet()) {
          List<Instant> times = e.getValue();
          Instant from = null;
          Instant to = null;
          for (int i = 1; i < times.size(); i++) {
            Instant a = times.get(i - 1);
            Instant b = times.get(i);
            if (!b.isAfter(fault) || !a.isBefore(fault.plus(reach))) continue;
            if (from == null || Duration.between(a, b).compareTo(Duration.between(from, to)) > 0) {
              from = a;
              to = b;
            }
          }
          if (from == null) continue;
          double gap = Duration.between(from, to).toMillis() / 1000.0;
          note(String.format(Locale.ROOT, "fault at %s: campaign %s went %.1f s without a message (%s to %s)", fault, e.getKey(), gap, from, to));
          worst = Math.max(worst, gap);
        }
      }
      return worst;
    }

    // ---------------------------------------------------------------- bookkeeping

    private void note(String text) {
      String line = Instant.now() + " run " + number + ": " + text;
      notes.add(line);
      if (!s.quiet) System.out.println(line);
    }

    private void writeNotes() {
      write(dir.resolve("notes.txt"), String.join("\n", notes) + "\n");
    }
  }

  /** A tenant of the run, with its key, its campaign, and its warm-up campaign when asked for. */
  private final class Tenant {
    static final String CAMPAIGN = "bench";
    static final String WARM_UP = "warmup";

    final ClusterHarness cluster;
    final String label;
    final String id;
    final String key;
    final List<String> accounts = new ArrayList<>();
    int node;

    Tenant(ClusterHarness cluster, String label, String id, String key, int node) {
      this.cluster = cluster;
      this.label = label;
      this.id = id;
      this.key = key;
      this.node = node;
    }

    void createAccount(String accountId, SmtpSink sink) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", accountId);
      body.put("host", "127.0.0.1");
      body.put("port", sink.port());
      body.put("security", "none");
      body.put("username", accountId);
      body.put("password", "pw-" + accountId);
      body.put("fromAddress", fromAddress(accountId));
      body.put("fromName", "Sales " + accountId);
      body.put("limits", s.accountLimits);
      body.put("warmUp", Map.of("enabled", false));
      require(post("/v1/accounts", body), 201);
      accounts.add(accountId);
    }

    void createCampaign(String campaign) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", campaign);
      body.put("name", "Bench of " + label + (campaign.equals(CAMPAIGN) ? "" : " (" + campaign + ")"));
      body.put("subject", "Hello {name}");
      body.put("text", "Hi {name}, a short note from us about {company}.");
      body.put("html", "<p>Hi {name},</p><p>a short note from us about {company}.</p>");
      body.put("accounts", accounts);
      body.put("footer", Map.of("address", "Bench Inc., 1 Main St, Springfield"));
      require(post("/v1/campaigns", body), 201);
    }

    void upload(String campaign, List<String> emails, Path copy) {
      StringBuilder csv = new StringBuilder("email,name,company\r\n");
      int i = 0;
      for (String e : emails) csv.append(e).append(",Person ").append(++i).append(",Company ").append(i % 97).append("\r\n");
      write(copy, csv.toString());
      String path = "/v1/campaigns/" + campaign + "/recipients";
      HttpJson.Response r = http.post(cluster.node(node).api(path), key, "text/csv", csv.toString());
      for (int attempt = 1; r.status() == 503 && attempt < 20; attempt++) {
        sleep(Duration.ofSeconds(1));
        r = http.post(cluster.node(node).api(path), key, "text/csv", csv.toString());
      }
      require(r, 200);
      if (r.requireJson().path("accepted").asInt() != emails.size()) throw new IllegalStateException("import: " + r);
    }

    void start() {
      start(CAMPAIGN);
    }

    void start(String campaign) {
      String path = "/v1/campaigns/" + campaign + "/start";
      HttpJson.Response r = cluster.post(node, path, key, "application/json", "");
      for (int attempt = 1; r.status() == 503 && attempt < 20; attempt++) {
        sleep(Duration.ofSeconds(1));
        r = cluster.post(node, path, key, "application/json", "");
      }
      require(r, 200);
    }

    JsonNode campaign() {
      return campaign(CAMPAIGN);
    }

    /** The campaign's delivery statistics: the read model the campaign-read projection keeps. */
    JsonNode statistics() {
      return fromAnyNode("/v1/campaigns/" + CAMPAIGN + "/statistics", "the statistics");
    }

    JsonNode campaign(String campaign) {
      return fromAnyNode("/v1/campaigns/" + campaign, "the campaign");
    }

    /** The first answer of a running node to a GET of {@code path}; a node that cannot answer now is passed over. */
    private JsonNode fromAnyNode(String path, String what) {
      for (ClusterHarness.Node n : cluster.runningNodes()) {
        HttpJson.Response r = cluster.get(n.number(), path, key);
        if (r.status() == 200 && r.json() != null) return r.json();
      }
      throw new IllegalStateException("no node answers for " + what + " of " + label);
    }

    String status() {
      try {
        return campaign().path("status").asText();
      } catch (RuntimeException e) {
        return "unknown";
      }
    }

    private HttpJson.Response post(String path, Object body) {
      return cluster.create(http, node, path, key, body);
    }
  }

  static String fromAddress(String accountId) {
    return accountId + "@" + accountId.replaceFirst("-a\\d+$", "") + ".sender.example.com";
  }

  private static void require(HttpJson.Response r, int status) {
    if (r.status() != status) throw new IllegalStateException("expected " + status + ": " + r);
  }

  static Path repository() {
    return E2eSupport.moduleDir().getParent();
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
