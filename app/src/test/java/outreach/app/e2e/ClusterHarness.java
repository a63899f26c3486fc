package outreach.app.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import outreach.persistence.EmbeddedDatabase;

/**
 * A cluster of {@code outreach node} OS processes started from the runnable jar on 127.0.0.1, against one
 * PostgreSQL (an embedded one it starts and stops, unless it is given one).
 *
 * <p>Each node gets its own free remoting, HTTP, management and metrics ports, the same contact-point list
 * (every node's management port), a master key and an admin token generated for the run. Its standard output
 * and error go to {@code target/e2e-logs/<test>/node-<n>.log} (appended to on restart). {@link #start()} waits
 * until every node answers 200 on {@code /health/ready} and every node's {@code /cluster/members} shows all
 * of them Up. A wait that runs out of time fails with the tail of the node logs in its message; a node that
 * exits while it should be running ends the wait at once.
 *
 * <p>Nodes are numbered from 1. {@link #close()} kills every process it started and stops the database it
 * started.
 *
 * <pre>{@code
 * try (ClusterHarness cluster = ClusterHarness.builder("MyE2E").nodes(3).start()) {
 *   HttpJson.Response r = cluster.post(1, "/v1/tenants", cluster.adminToken(), Map.of("name", "Acme"));
 *   int host = cluster.nodeHosting(tenantId + "|acc-1");
 *   cluster.kill9(host);
 * }
 * }</pre>
 */
public final class ClusterHarness implements AutoCloseable {

  /** Sharding settings of the application (conf/application.conf). */
  public static final String ACCOUNT_ENTITY_TYPE = "SmtpAccount";

  public static final String CAMPAIGN_ENTITY_TYPE = "Campaign";

  public static final int NUMBER_OF_SHARDS = 100;

  private static final int LOG_TAIL_LINES = 60;

  /** Settings of a cluster to start. */
  public static final class Builder {
    private final String testName;
    private int nodes = 3;
    private EmbeddedDatabase database;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private String masterKey = E2eSupport.newMasterKey();
    private String adminToken = E2eSupport.newAdminToken();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"));
    private Duration startTimeout = Duration.ofSeconds(150);
    private Path logDir;

    private Builder(String testName) {
      this.testName = testName;
    }

    /** How many nodes (default 3). */
    public Builder nodes(int n) {
      if (n < 1) throw new IllegalArgumentException("at least one node");
      this.nodes = n;
      return this;
    }

    /** Use this embedded database; the harness does not stop it. */
    public Builder database(EmbeddedDatabase db) {
      this.database = db;
      return this;
    }

    /** Use this PostgreSQL; the harness does not manage it. */
    public Builder database(String url, String user, String password) {
      this.dbUrl = url;
      this.dbUser = user;
      this.dbPassword = password;
      return this;
    }

    public Builder masterKey(String base64) {
      this.masterKey = base64;
      return this;
    }

    public Builder adminToken(String token) {
      this.adminToken = token;
      return this;
    }

    /** An extra environment variable for every node (for example OUTREACH_LOG_LEVEL). */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** An extra JVM option for every node (after the defaults -Xmx512m -XX:+ExitOnOutOfMemoryError). */
    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    /** Where the nodes' logs go (default: the test's folder under target/e2e-logs). */
    public Builder logDir(Path dir) {
      this.logDir = dir;
      return this;
    }

    /** How long start-up and restarts may take until every node is ready and Up (default 150 s). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** Starts the database if none was given, then the nodes, and waits until the cluster is Up. */
    public ClusterHarness start() {
      ClusterHarness harness = new ClusterHarness(this);
      try {
        harness.startAll();
        return harness;
      } catch (RuntimeException | Error e) {
        harness.close();
        throw e;
      }
    }
  }

  /** One node: its ports, its log file and its current process. */
  public final class Node {
    private final int number;
    private final int remotePort = E2eSupport.freePort();
    private final int httpPort = E2eSupport.freePort();
    private final int managementPort = E2eSupport.freePort();
    private final int metricsPort = E2eSupport.freePort();
    private final Path log;
    private volatile Process process;
    private volatile boolean expectedRunning;
    private int starts;

    private Node(int number) {
      this.number = number;
      this.log = logDir.resolve("node-" + number + ".log");
    }

    public int number() {
      return number;
    }

    public int remotePort() {
      return remotePort;
    }

    public int httpPort() {
      return httpPort;
    }

    public int managementPort() {
      return managementPort;
    }

    public int metricsPort() {
      return metricsPort;
    }

    public Path log() {
      return log;
    }

    /** The node's cluster address as /cluster/members shows it. */
    public String address() {
      return "akka://outreach@127.0.0.1:" + remotePort;
    }

    /** True while the harness has the node running (started, not killed or stopped). */
    public boolean running() {
      return expectedRunning;
    }

    /** The current process (null before the first start). */
    public Process process() {
      return process;
    }

    public URI api(String path) {
      return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    public URI management(String path) {
      return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    @Override
    public String toString() {
      return "node " + number + " (remote " + remotePort + ", http " + httpPort + ", management " + managementPort
          + ", metrics " + metricsPort + ", " + (expectedRunning ? "should be running" : "stopped by the harness") + ")";
    }
  }

  private final Builder settings;
  private final Path logDir;
  private final List<Node> nodes = new ArrayList<>();
  private final HttpJson http = new HttpJson();
  private final HttpJson probe = new HttpJson(Duration.ofSeconds(5), false);
  private final Thread killOnExit = new Thread(this::killAll, "cluster-harness-kill-on-exit");
  private EmbeddedDatabase ownedDatabase;
  private String dbUrl;
  private String dbUser;
  private String dbPassword;
  private boolean closed;

  private ClusterHarness(Builder settings) {
    this.settings = settings;
    this.logDir = settings.logDir != null ? settings.logDir : E2eSupport.logDir(settings.testName);
    for (int i = 1; i <= settings.nodes; i++) nodes.add(new Node(i));
    for (Node n : nodes) {
      try {
        Files.deleteIfExists(n.log);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot clear " + n.log, e);
      }
    }
  }

  public static Builder builder(String testName) {
    return new Builder(testName);
  }

  // ---------------------------------------------------------------- lifecycle

  private void startAll() {
    Runtime.getRuntime().addShutdownHook(killOnExit);
    if (settings.database != null) {
      dbUrl = settings.database.jdbcUrl();
      dbUser = settings.database.settings(1).user();
      dbPassword = settings.database.settings(1).password();
    } else if (settings.dbUrl != null) {
      dbUrl = settings.dbUrl;
      dbUser = settings.dbUser;
      dbPassword = settings.dbPassword;
    } else {
      ownedDatabase = EmbeddedDatabase.startTemporary();
      dbUrl = ownedDatabase.jdbcUrl();
      dbUser = ownedDatabase.settings(1).user();
      dbPassword = ownedDatabase.settings(1).password();
    }
    for (Node n : nodes) launch(n);
    awaitClusterUp(settings.startTimeout);
  }

  /** Kills the node with SIGKILL (no shutdown of any kind) and waits until the process is gone. */
  public void kill9(int number) {
    Node n = node(number);
    n.expectedRunning = false;
    Process p = n.process;
    if (p == null || !p.isAlive()) return;
    p.destroyForcibly();
    E2eSupport.awaitExit(p, Duration.ofSeconds(30), "node " + number + " after SIGKILL");
    note(n, "killed with SIGKILL");
  }

  /** Stops the node with SIGTERM (coordinated shutdown: it leaves and hands its shards over); its exit code. */
  public int stop(int number) {
    Node n = node(number);
    n.expectedRunning = false;
    Process p = n.process;
    if (p == null || !p.isAlive()) return p == null ? -1 : p.exitValue();
    p.destroy();
    int code = E2eSupport.awaitExit(p, Duration.ofSeconds(60), "node " + number + " after SIGTERM");
    note(n, "stopped with SIGTERM, exit code " + code);
    return code;
  }

  /**
   * Starts the node again with the same ports and environment (stopping it first with SIGTERM if it runs)
   * and waits until every running node is ready and sees every running node Up.
   */
  public void restart(int number) {
    Node n = node(number);
    if (n.process != null && n.process.isAlive()) stop(number);
    launch(n);
    awaitClusterUp(settings.startTimeout);
  }

  /** Kills every process it started (SIGKILL) and stops the database it started. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is shutting down or the hook was never added
    }
    if (ownedDatabase != null) {
      try {
        ownedDatabase.close();
      } catch (RuntimeException e) {
        System.err.println("embedded PostgreSQL did not stop cleanly: " + e);
      }
    }
  }

  private void killAll() {
    for (Node n : nodes) {
      n.expectedRunning = false;
      Process p = n.process;
      if (p != null && p.isAlive()) p.destroyForcibly();
    }
    for (Node n : nodes) {
      Process p = n.process;
      if (p == null) continue;
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void launch(Node n) {
    List<String> command = new ArrayList<>();
    command.add(E2eSupport.javaExecutable());
    command.addAll(settings.jvmArgs);
    command.add("-jar");
    command.add(E2eSupport.jar().toString());
    command.add("node");
    ProcessBuilder pb = new ProcessBuilder(command).directory(logDir.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment(n));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(n.log.toFile()));
    n.starts++;
    note(n, "start #" + n.starts + " (remote " + n.remotePort + ", http " + n.httpPort + ", management "
        + n.managementPort + ", metrics " + n.metricsPort + ")");
    try {
      n.process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + n.number + ": " + command, e);
    }
    n.expectedRunning = true;
  }

  /** The environment a node is started with. */
  public Map<String, String> environment(int number) {
    return environment(node(number));
  }

  private Map<String, String> environment(Node n) {
    Map<String, String> env = E2eSupport.cleanEnvironment();
    env.put("OUTREACH_NODE_HOST", "127.0.0.1");
    env.put("OUTREACH_REMOTE_PORT", String.valueOf(n.remotePort));
    env.put("OUTREACH_HTTP_PORT", String.valueOf(n.httpPort));
    env.put("OUTREACH_MANAGEMENT_PORT", String.valueOf(n.managementPort));
    env.put("OUTREACH_METRICS_PORT", String.valueOf(n.metricsPort));
    env.put("OUTREACH_CONTACT_POINTS", contactPoints());
    env.put("OUTREACH_DB_URL", dbUrl);
    env.put("OUTREACH_DB_USER", dbUser);
    env.put("OUTREACH_DB_PASSWORD", dbPassword == null ? "" : dbPassword);
    env.put("OUTREACH_MASTER_KEY", settings.masterKey);
    env.put("OUTREACH_ADMIN_TOKEN", settings.adminToken);
    env.putAll(settings.env);
    return env;
  }

  private String contactPoints() {
    return nodes.stream().map(n -> "127.0.0.1:" + n.managementPort).collect(Collectors.joining(","));
  }

  private void note(Node n, String what) {
    try {
      Files.writeString(
          n.log,
          "=== harness " + Instant.now() + " node " + n.number + ": " + what + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the note only helps reading the log
    }
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Waits until every running node answers 200 on /health/ready and its /cluster/members lists exactly the
   * running nodes, all Up, with none unreachable.
   */
  public void awaitClusterUp(Duration timeout) {
    List<Node> running = runningNodes();
    Set<String> expected = running.stream().map(Node::address).collect(Collectors.toCollection(TreeSet::new));
    AtomicReference<String> last = new AtomicReference<>("not checked yet");
    await(
        running.size() + " node(s) ready and Up " + expected,
        timeout,
        Duration.ofMillis(500),
        () -> {
          StringBuilder state = new StringBuilder();
          boolean all = true;
          for (Node n : running) {
            int ready = statusOf(n.api("/health/ready"));
            Set<String> up = new TreeSet<>();
            Set<String> others = new TreeSet<>();
            int unreachable = -1;
            try {
              JsonNode members = probe.get(n.management("/cluster/members"), null).requireJson();
              for (JsonNode m : members.path("members")) {
                String address = m.path("node").asText();
                String status = m.path("status").asText();
                if ("Up".equals(status)) up.add(address);
                else others.add(address + "=" + status);
              }
              unreachable = members.path("unreachable").size();
            } catch (RuntimeException | AssertionError e) {
              others.add("members not readable: " + e.getMessage());
            }
            boolean ok = ready == 200 && up.equals(expected) && others.isEmpty() && unreachable == 0;
            all &= ok;
            state.append("\n  node ").append(n.number).append(": ready=").append(ready).append(" up=").append(up);
            if (!others.isEmpty()) state.append(" other=").append(others);
            if (unreachable != 0) state.append(" unreachable=").append(unreachable);
          }
          last.set(state.toString());
          return all;
        },
        last::get);
  }

  /**
   * Waits until {@code condition} is true, polling every {@code poll} (exceptions count as false). On
   * timeout, or as soon as a node that should run has exited, fails with {@code lastState} and the tail of
   * every node's log.
   */
  public void await(
      String what, Duration timeout, Duration poll, Callable<Boolean> condition, Supplier<String> lastState) {
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(poll)
          .ignoreExceptions()
          .failFast("a node exited while it should be running", () -> !exitedNodes().isEmpty())
          .until(condition);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      String reason = e instanceof TerminalFailureException
          ? "node(s) " + exitedNodes() + " exited while waiting for: " + what
          : "timed out after " + timeout.toSeconds() + " s waiting for: " + what;
      throw new AssertionError(reason + "\nlast state: " + lastState.get() + "\n" + logTails(nodes), e);
    }
  }

  /** {@link #await(String, Duration, Duration, Callable, Supplier)} polling every 500 ms. */
  public void await(String what, Duration timeout, Callable<Boolean> condition) {
    await(what, timeout, Duration.ofMillis(500), condition, () -> "(condition false)");
  }

  private List<Integer> exitedNodes() {
    List<Integer> exited = new ArrayList<>();
    for (Node n : nodes) {
      Process p = n.process;
      if (n.expectedRunning && p != null && !p.isAlive()) exited.add(n.number);
    }
    return exited;
  }

  /** The last lines of every node's log, with exit codes of exited processes, for failure messages. */
  public String logTails() {
    return logTails(nodes);
  }

  /** The last lines of these nodes' logs, with exit codes of exited processes, for failure messages. */
  public String logTails(Collection<Node> which) {
    StringBuilder sb = new StringBuilder();
    for (Node n : which) {
      Process p = n.process;
      String state = p == null ? "never started" : p.isAlive() ? "alive" : "exited " + p.exitValue();
      sb.append("----- ").append(n).append(", process ").append(state).append(", last ")
          .append(LOG_TAIL_LINES).append(" lines of ").append(n.log).append('\n')
          .append(E2eSupport.tail(n.log, LOG_TAIL_LINES)).append('\n');
    }
    return sb.toString();
  }

  private int statusOf(URI uri) {
    try {
      return probe.get(uri, null).status();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  // ---------------------------------------------------------------- sharding

  /** The shard of an entity id under the default extractor: {@code Math.abs(id.hashCode() % 100)}. */
  public static String shardId(String entityId) {
    return String.valueOf(Math.abs(entityId.hashCode() % NUMBER_OF_SHARDS));
  }

  /** The ids of the SmtpAccount shards the node's region hosts now, from /cluster/shards/SmtpAccount. */
  public Set<String> shardsOn(int number) {
    return shardsOn(number, ACCOUNT_ENTITY_TYPE);
  }

  /** The ids of the shards of {@code entityType} the node's region hosts now, from /cluster/shards/{type}. */
  public Set<String> shardsOn(int number, String entityType) {
    JsonNode state =
        probe.get(node(number).management("/cluster/shards/" + entityType), null).requireJson();
    Set<String> shards = new TreeSet<>();
    for (JsonNode region : state.path("regions")) shards.add(region.path("shardId").asText());
    return shards;
  }

  /**
   * The number of the running node whose SmtpAccount region hosts the shard of {@code entityId}, waiting up
   * to 30 s until exactly one running node reports it.
   */
  public int nodeHosting(String entityId) {
    return nodeHosting(ACCOUNT_ENTITY_TYPE, entityId);
  }

  /**
   * The number of the running node whose region of {@code entityType} hosts the shard of {@code entityId},
   * waiting up to 30 s until exactly one running node reports it.
   */
  public int nodeHosting(String entityType, String entityId) {
    String shard = shardId(entityId);
    AtomicReference<Integer> found = new AtomicReference<>();
    AtomicReference<String> last = new AtomicReference<>("not checked yet");
    await(
        "a running node hosting shard " + shard + " of " + entityType + " entity " + entityId,
        Duration.ofSeconds(30),
        Duration.ofMillis(300),
        () -> {
          List<Integer> hosts = new ArrayList<>();
          StringBuilder state = new StringBuilder();
          for (Node n : runningNodes()) {
            Set<String> shards = shardsOn(n.number, entityType);
            state.append("\n  node ").append(n.number).append(": ").append(shards);
            if (shards.contains(shard)) hosts.add(n.number);
          }
          last.set(state.toString());
          if (hosts.size() != 1) return false;
          found.set(hosts.get(0));
          return true;
        },
        last::get);
    return found.get();
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * POST that creates something, tried again while the node answers 503 ("the cluster did not answer in time;
   * retry the request": a busy machine, a shard still starting), a second apart for up to 20 s. A try that was
   * carried out although its answer was 503 makes the next one find the object: that 409 counts as created.
   */
  public HttpJson.Response create(HttpJson client, int number, String path, String bearer, Object body) {
    AtomicReference<HttpJson.Response> last = new AtomicReference<>();
    AtomicInteger tries = new AtomicInteger();
    try {
      Awaitility.await("POST " + path + " answered other than 503")
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                tries.incrementAndGet();
                last.set(client.post(node(number).api(path), bearer, body));
                return last.get().status() != 503;
              });
    } catch (ConditionTimeoutException e) {
      return last.get();
    }
    HttpJson.Response r = last.get();
    if (tries.get() > 1 && r.status() == 409) return new HttpJson.Response(r.method(), r.uri(), 201, r.contentType(), r.body(), r.json());
    return r;
  }

  /** {@link #create(HttpJson, int, String, String, Object)} with the harness's own client. */
  public HttpJson.Response create(int number, String path, String bearer, Object body) {
    return create(http, number, path, bearer, body);
  }

  /** GET on the node's API port; {@code bearer} may be null. */
  public HttpJson.Response get(int number, String path, String bearer) {
    return http.get(node(number).api(path), bearer);
  }

  /** POST of {@code body} (a JSON string, or an object serialized by Jackson) on the node's API port. */
  public HttpJson.Response post(int number, String path, String bearer, Object body) {
    return http.post(node(number).api(path), bearer, body);
  }

  /** POST of a body that is not JSON (text/csv, say) on the node's API port. */
  public HttpJson.Response post(int number, String path, String bearer, String contentType, String body) {
    return http.post(node(number).api(path), bearer, contentType, body);
  }

  /** GET on the node's management port. */
  public HttpJson.Response getManagement(int number, String path) {
    return http.get(node(number).management(path), null);
  }

  /** The client behind {@link #get} and {@link #post}; its history holds every response they received. */
  public HttpJson http() {
    return http;
  }

  // ---------------------------------------------------------------- accessors

  public Node node(int number) {
    if (number < 1 || number > nodes.size()) {
      throw new IllegalArgumentException("no node " + number + "; nodes are 1.." + nodes.size());
    }
    return nodes.get(number - 1);
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public List<Node> runningNodes() {
    return nodes.stream().filter(Node::running).toList();
  }

  public int size() {
    return nodes.size();
  }

  public String adminToken() {
    return settings.adminToken;
  }

  public String masterKey() {
    return settings.masterKey;
  }

  public String jdbcUrl() {
    return dbUrl;
  }

  public String dbUser() {
    return dbUser;
  }

  public String dbPassword() {
    return dbPassword;
  }

  public Path logDir() {
    return logDir;
  }
}
