import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTP load at a constant rate: request i is due at start + i / rate whatever became of the
 * requests before it, and its latency is counted from that due time, not from the moment it was sent.
 * A server that stalls therefore shows its stall in the latencies of every request that fell due
 * meanwhile (no coordinated omission). Run with the JDK's source launcher, no dependencies:
 *
 * <pre>
 *   java bench/ApiLoad.java --rate 200 --duration 60 [--warmup 10] [--timeout 5]
 *        [--header 'Authorization: Bearer KEY']... [--label NAME] URL...
 * </pre>
 *
 * Several URLs are requested in turn. Prints the count, the errors (an answer other than 2xx, or no
 * answer within the timeout), the rate achieved, the latency percentiles and how late the generator
 * itself sent, then the same on one {@code RESULT} line with the measured window in epoch
 * milliseconds; the warm-up runs at the same rate and is not counted. Exits 1 when any measured request
 * failed, 2 on bad arguments.
 */
public final class ApiLoad {

  /** One measured request: its latency from the due time, or the reason it failed. */
  private record Outcome(long latencyNanos, String error) {}

  public static void main(String[] args) throws Exception {
    double rate = 0;
    double duration = 0;
    double warmup = 0;
    double timeout = 5;
    String label = "load";
    List<String[]> headers = new ArrayList<>();
    List<URI> urls = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--") && i + 1 >= args.length) usage("missing value of " + a);
      switch (a) {
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--duration" -> duration = Double.parseDouble(args[++i]);
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--timeout" -> timeout = Double.parseDouble(args[++i]);
        case "--label" -> label = args[++i];
        case "--header" -> {
          String h = args[++i];
          int colon = h.indexOf(':');
          if (colon <= 0) usage("a header is 'Name: value'");
          headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
        }
        default -> {
          if (a.startsWith("--")) usage("unknown option " + a);
          urls.add(URI.create(a));
        }
      }
    }
    if (rate <= 0 || duration <= 0 || urls.isEmpty()) usage("--rate, --duration and a URL are required");

    ExecutorService callbacks = Executors.newFixedThreadPool(2, daemon("load-client"));
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(callbacks)
            .build();
    List<HttpRequest> requests = new ArrayList<>();
    for (URI url : urls) {
      HttpRequest.Builder b = HttpRequest.newBuilder(url).GET().timeout(Duration.ofMillis((long) (timeout * 1000)));
      for (String[] h : headers) b.header(h[0], h[1]);
      requests.add(b.build());
    }

    if (warmup > 0) {
      Run w = run(http, requests, rate, warmup);
      System.out.printf(
          Locale.ROOT, "%s warm-up: %d requests in %.0f s at %.0f/s, %d errors, p99 %.2f ms (not counted)%n",
          label, w.outcomes().size(), warmup, rate, w.errors(), percentile(w.latencies(), 99.0) / 1e6);
    }
    Run r = run(http, requests, rate, duration);
    long[] latencies = r.latencies();
    double seconds = r.elapsedNanos() / 1e9;
    System.out.printf(Locale.ROOT, "%s: %s%n", label, String.join(" ", urls.stream().map(URI::toString).toList()));
    System.out.printf(
        Locale.ROOT,
        "  requests    %d due at %.0f/s over %.0f s; %d answered 2xx, %d errors; achieved %.1f/s%n",
        r.outcomes().size(), rate, duration, latencies.length, r.errors(), r.outcomes().size() / seconds);
    System.out.printf(
        Locale.ROOT,
        "  latency     p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms (from the due time)%n",
        percentile(latencies, 50) / 1e6, percentile(latencies, 90) / 1e6, percentile(latencies, 99) / 1e6,
        percentile(latencies, 99.9) / 1e6, percentile(latencies, 100) / 1e6);
    System.out.printf(
        Locale.ROOT, "  generator   sent at most %.2f ms after a due time (how far the load generator itself fell behind)%n",
        r.maxSendLagNanos() / 1e6);
    if (r.errors() > 0) {
      Map<String, Integer> kinds = new TreeMap<>();
      for (Outcome o : r.outcomes()) if (o.error() != null) kinds.merge(o.error(), 1, Integer::sum);
      kinds.forEach((k, n) -> System.out.printf("  error       %d x %s%n", n, k));
    }
    System.out.printf(
        Locale.ROOT,
        "RESULT %s count=%d errors=%d rate=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f"
            + " lag_ms=%.2f start_ms=%d end_ms=%d%n",
        label, r.outcomes().size(), r.errors(), r.outcomes().size() / seconds, percentile(latencies, 50) / 1e6,
        percentile(latencies, 90) / 1e6, percentile(latencies, 99) / 1e6, percentile(latencies, 99.9) / 1e6,
        percentile(latencies, 100) / 1e6, r.maxSendLagNanos() / 1e6, r.startMillis(), r.endMillis());
    System.exit(r.errors() > 0 ? 1 : 0);
  }

  /** What one run produced: every outcome, how late the generator sent at worst, and when it ran (epoch ms). */
  private record Run(List<Outcome> outcomes, long elapsedNanos, long maxSendLagNanos, long startMillis, long endMillis) {

    long errors() {
      return outcomes.stream().filter(o -> o.error() != null).count();
    }

    long[] latencies() {
      return outcomes.stream().filter(o -> o.error() == null).mapToLong(Outcome::latencyNanos).sorted().toArray();
    }
  }

  /** Sends requests due every 1/rate seconds for {@code seconds}, then waits for every answer. */
  private static Run run(HttpClient http, List<HttpRequest> requests, double rate, double seconds) throws Exception {
    int total = (int) Math.round(rate * seconds);
    double interval = 1e9 / rate;
    @SuppressWarnings("unchecked")
    CompletableFuture<Outcome>[] pending = new CompletableFuture[total];
    AtomicLong lastAnswer = new AtomicLong();
    long maxLag = 0;
    long startMillis = System.currentTimeMillis();
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + (long) (i * interval);
      long now;
      while ((now = System.nanoTime()) < due) LockSupport.parkNanos(due - now);
      maxLag = Math.max(maxLag, now - due);
      pending[i] =
          http.sendAsync(requests.get(i % requests.size()), HttpResponse.BodyHandlers.ofByteArray())
              .handle(
                  (response, failure) -> {
                    long done = System.nanoTime();
                    lastAnswer.accumulateAndGet(done, Math::max);
                    if (failure != null) return new Outcome(0, failureName(failure));
                    int status = response.statusCode();
                    if (status < 200 || status > 299) return new Outcome(0, "HTTP " + status);
                    return new Outcome(done - due, null);
                  });
    }
    CompletableFuture.allOf(pending).get(5, TimeUnit.MINUTES);
    List<Outcome> outcomes = new ArrayList<>(total);
    for (CompletableFuture<Outcome> p : pending) outcomes.add(p.join());
    // The run lasts from the first due time to the end of the interval of the last request.
    long elapsed = Math.max((long) (total * interval), lastAnswer.get() - start);
    return new Run(outcomes, elapsed, maxLag, startMillis, startMillis + elapsed / 1_000_000);
  }

  private static String failureName(Throwable failure) {
    Throwable t = failure.getCause() != null && !(failure instanceof IOException) ? failure.getCause() : failure;
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  /** The latency at or below which {@code p} percent of the sorted values lie (nearest rank). */
  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void usage(String problem) {
    System.err.println("ApiLoad: " + problem);
    System.err.println(
        "usage: java bench/ApiLoad.java --rate PER_SECOND --duration SECONDS [--warmup SECONDS] [--timeout SECONDS]\n"
            + "       [--header 'Name: value']... [--label NAME] URL...");
    System.exit(2);
  }
}
