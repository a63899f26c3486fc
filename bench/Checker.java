import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The independent checker of a sending run: it trusts nothing the Outreach nodes say about themselves. It reads
 * what the SMTP server (Postfix smtp-sink with {@code -d}) actually received, one dump file per accepted message,
 * and what the harness asked for (the plan: accounts with their limits, recipient-domain caps, the global limit,
 * and the recipient lists it uploaded), and prints:
 *
 * <ul>
 *   <li>recipients delivered, lost (uploaded, never received, not refused by the server) and refused;
 *   <li>duplicates: Message-IDs received more than once (every extra copy counts), and recipients that got two
 *       different Message-IDs;
 *   <li>the worst window of every limit, measured on the server's receive times (the dump files' modification
 *       times), next to the limit itself.
 * </ul>
 *
 * <p>It exits 1 when anything is lost, any window holds more than its limit, or a message went to an address
 * nobody uploaded or came from a sender the plan does not know; 2 on bad input; 0 otherwise.
 *
 * <p>Run with the JDK's source launcher, no build needed:
 *
 * <pre>
 *   java bench/Checker.java --plan PLAN --dumps DIR [--dumps DIR ...] [--sink-log FILE ...] [--summary FILE]
 * </pre>
 *
 * <p>The plan is a text file, one statement per line ({@code #} starts a comment):
 *
 * <pre>
 *   global 600/10s,20000/1d                       the system-wide limit (optional)
 *   domain-tenant 60/10s                          every recipient domain, per tenant
 *   domain-system 100/10s                         every recipient domain, all tenants
 *   domain-zone UTC                               the zone of the domains' and global /1d limits
 *   tenant acme zone=Europe/Berlin recipients=acme.csv   a tenant, its zone and its uploaded CSV (column "email")
 *   account a1@acme.example zone=Europe/Berlin tenant=acme limits=20/10s,500/1d
 * </pre>
 *
 * <p>A limit {@code N/1d} counts a calendar day in the given zone; every other {@code N/duration} a sliding window
 * {@code (t - duration, t]}. The optional sink logs (the harness's copy of smtp-sink's {@code -v} output, each line
 * stamped with its time, and lines {@code === ... start: ...} or {@code === ... restart with [...]} saying which
 * options the sink ran with from then on) tell which recipients the server refused for good: a {@code RCPT}
 * read while the sink ran with {@code -f RCPT} was answered 5xx, so that recipient is refused, not lost.
 */
public final class Checker {

  record Limit(int count, Duration window, String text) {
    boolean calendarDay() {
      return window.equals(Duration.ofDays(1));
    }

    static Limit parse(String text) {
      Matcher m = Pattern.compile("(\\d+)/(\\d+)([smhd])").matcher(text.trim());
      if (!m.matches()) throw new IllegalArgumentException("not a limit: " + text);
      long n = Long.parseLong(m.group(2));
      Duration w =
          switch (m.group(3)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return new Limit(Integer.parseInt(m.group(1)), w, text.trim());
    }

    static List<Limit> parseList(String text) {
      if (text == null || text.isBlank() || text.equals("off")) return List.of();
      return Arrays.stream(text.split(",")).map(Limit::parse).toList();
    }
  }

  record Account(String address, String tenant, ZoneId zone, List<Limit> limits) {}

  record Tenant(String name, ZoneId zone, Path recipients) {}

  record Received(Path file, Instant at, String from, String rcpt, String messageId, boolean complete) {
    String rcptDomain() {
      return rcpt.substring(rcpt.lastIndexOf('@') + 1);
    }
  }

  /** One limit's worst window over every subject it applies to. */
  record Worst(String scope, Limit limit, String subject, int count, Instant at) {
    boolean exceeded() {
      return count > limit.count();
    }
  }

  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private final Map<String, Tenant> tenants = new LinkedHashMap<>();
  private List<Limit> global = List.of();
  private List<Limit> domainTenant = List.of();
  private List<Limit> domainSystem = List.of();
  private ZoneId domainZone = ZoneId.of("UTC");

  public static void main(String[] args) {
    List<Path> plans = new ArrayList<>();
    List<Path> dumps = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    Path summary = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("-h") || a.equals("--help")) {
          System.out.println("usage: java bench/Checker.java --plan PLAN --dumps DIR [--dumps DIR ...] [--sink-log FILE ...] [--summary FILE]");
          return;
        }
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
        String v = args[++i];
        switch (a) {
          case "--plan" -> plans.add(Path.of(v));
          case "--dumps" -> dumps.add(Path.of(v));
          case "--sink-log" -> logs.add(Path.of(v));
          case "--summary" -> summary = Path.of(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (plans.size() != 1) throw new IllegalArgumentException("give exactly one --plan");
      if (dumps.isEmpty()) throw new IllegalArgumentException("give at least one --dumps folder");
      Checker checker = new Checker();
      checker.readPlan(plans.get(0));
      boolean ok = checker.check(dumps, logs, System.out, summary);
      System.exit(ok ? 0 : 1);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("checker: " + e.getMessage());
      System.exit(2);
    }
  }

  // ---------------------------------------------------------------- input

  void readPlan(Path plan) {
    Path base = plan.toAbsolutePath().getParent();
    for (String raw : lines(plan)) {
      String line = raw.replaceFirst("#.*", "").trim();
      if (line.isEmpty()) continue;
      String[] words = line.split("\\s+");
      Map<String, String> opts = new HashMap<>();
      for (int i = 2; i < words.length; i++) {
        int eq = words[i].indexOf('=');
        if (eq < 0) throw new IllegalArgumentException("plan: '" + words[i] + "' is not key=value in: " + raw);
        opts.put(words[i].substring(0, eq), words[i].substring(eq + 1));
      }
      String value = words.length > 1 ? words[1] : "";
      switch (words[0]) {
        case "global" -> global = Limit.parseList(value);
        case "domain-tenant" -> domainTenant = Limit.parseList(value);
        case "domain-system" -> domainSystem = Limit.parseList(value);
        case "domain-zone" -> domainZone = ZoneId.of(value);
        case "tenant" -> tenants.put(value, new Tenant(value, ZoneId.of(opts.getOrDefault("zone", "UTC")),
            base.resolve(require(opts, "recipients", raw))));
        case "account" -> accounts.put(value.toLowerCase(Locale.ROOT), new Account(value.toLowerCase(Locale.ROOT),
            require(opts, "tenant", raw), ZoneId.of(opts.getOrDefault("zone", "UTC")), Limit.parseList(opts.get("limits"))));
        default -> throw new IllegalArgumentException("plan: unknown statement '" + words[0] + "'");
      }
    }
    for (Account a : accounts.values()) {
      if (!tenants.containsKey(a.tenant())) throw new IllegalArgumentException("plan: account " + a.address() + " names unknown tenant " + a.tenant());
    }
    if (tenants.isEmpty()) throw new IllegalArgumentException("plan: no tenant");
  }

  private static String require(Map<String, String> opts, String key, String line) {
    String v = opts.get(key);
    if (v == null) throw new IllegalArgumentException("plan: " + key + "= missing in: " + line);
    return v;
  }

  /** The email column of an uploaded CSV (RFC 4180 enough for addresses: they hold no quotes or commas). */
  static List<String> recipients(Path csv) {
    List<String> lines = lines(csv);
    if (lines.isEmpty()) return List.of();
    List<String> header = Arrays.asList(lines.get(0).replace("\uFEFF", "").toLowerCase(Locale.ROOT).split(","));
    int col = header.indexOf("email");
    if (col < 0) throw new IllegalArgumentException(csv + " has no email column");
    List<String> out = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      if (l.isBlank()) continue;
      out.add(l.split(",", -1)[col].trim().toLowerCase(Locale.ROOT));
    }
    return out;
  }

  static List<Received> readDumps(List<Path> dirs) {
    List<Received> all = new ArrayList<>();
    for (Path dir : dirs) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) all.add(readDump(f));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + dir, e);
      }
    }
    all.sort((a, b) -> a.at().compareTo(b.at()));
    return all;
  }

  /** The header fields the checker needs, from smtp-sink's records and the message header. */
  static Received readDump(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      FileTime mtime = Files.getLastModifiedTime(file);
      Map<String, String> fields = new HashMap<>();
      String line;
      String last = null;
      boolean headerEnded = false;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty()) {
          headerEnded = true;
          break;
        }
        if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
          fields.merge(last, " " + line.trim(), String::concat);
          continue;
        }
        int colon = line.indexOf(':');
        if (colon <= 0) continue;
        last = line.substring(0, colon).toLowerCase(Locale.ROOT);
        fields.putIfAbsent(last, line.substring(colon + 1).trim());
      }
      String rcpt = address(fields.getOrDefault("x-rcpt-args", fields.getOrDefault("to", "")));
      String messageId = fields.getOrDefault("message-id", "").trim();
      // A transaction the server was stopped in the middle of leaves an empty or cut-off file: no message.
      boolean complete = headerEnded && !messageId.isEmpty() && fields.containsKey("from") && !rcpt.isEmpty();
      return new Received(file, mtime.toInstant(), address(fields.getOrDefault("from", "")), rcpt, messageId, complete);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static String address(String field) {
    int lt = field.lastIndexOf('<');
    int gt = field.lastIndexOf('>');
    String a = lt >= 0 && gt > lt ? field.substring(lt + 1, gt) : field.split("\\s+")[0];
    return a.trim().toLowerCase(Locale.ROOT);
  }

  private static final Pattern RCPT = Pattern.compile("^\\S+ RCPT TO:<([^>]*)>", Pattern.CASE_INSENSITIVE);

  /** Recipients the server refused for good: RCPT read while the sink ran with {@code -f RCPT}. */
  static Set<String> refused(List<Path> logs) {
    Set<String> refused = new HashSet<>();
    for (Path log : logs) {
      boolean hardRcpt = false;
      for (String line : lines(log)) {
        int start = line.indexOf("=== ");
        if (start >= 0 && (line.contains(" start: ") || line.contains(" restart with "))) {
          hardRcpt = rejectsRcptForGood(line.substring(start));
          continue;
        }
        Matcher m = RCPT.matcher(line);
        if (hardRcpt && m.find()) refused.add(m.group(1).toLowerCase(Locale.ROOT));
      }
    }
    return refused;
  }

  static boolean rejectsRcptForGood(String optionsLine) {
    Matcher m = Pattern.compile("-f[ ,\\[]+([A-Za-z.,]+)").matcher(optionsLine);
    while (m.find()) {
      for (String c : m.group(1).split(",")) if (c.equalsIgnoreCase("RCPT")) return true;
    }
    return false;
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  // ---------------------------------------------------------------- checks

  boolean check(List<Path> dumpDirs, List<Path> logs, PrintStream out, Path summaryFile) {
    Map<String, String> tenantOf = new HashMap<>();
    int uploaded = 0;
    for (Tenant t : tenants.values()) {
      for (String r : recipients(t.recipients())) {
        uploaded++;
        String before = tenantOf.put(t.name() + "|" + r, t.name());
        if (before != null) throw new IllegalArgumentException(t.recipients() + " lists " + r + " twice");
      }
    }
    List<Received> dumps = readDumps(dumpDirs);
    List<Received> received = dumps.stream().filter(Received::complete).toList();
    int incomplete = dumps.size() - received.size();
    Set<String> refused = refused(logs);

    Map<String, List<Received>> byMessageId = new LinkedHashMap<>();
    Map<String, Set<String>> idsByRecipient = new HashMap<>();
    List<String> unexpected = new ArrayList<>();
    for (Received m : received) {
      Account a = accounts.get(m.from());
      if (a == null) {
        unexpected.add(m.file().getFileName() + ": from " + m.from() + ", which the plan does not name");
        continue;
      }
      String key = a.tenant() + "|" + m.rcpt();
      if (!tenantOf.containsKey(key)) unexpected.add(m.file().getFileName() + ": to " + m.rcpt() + ", which tenant " + a.tenant() + " never uploaded");
      byMessageId.computeIfAbsent(m.messageId(), k -> new ArrayList<>()).add(m);
      idsByRecipient.computeIfAbsent(key, k -> new HashSet<>()).add(m.messageId());
    }
    int duplicateCopies = 0;
    List<String> duplicateIds = new ArrayList<>();
    for (var e : byMessageId.entrySet()) {
      if (e.getValue().size() > 1) {
        duplicateCopies += e.getValue().size() - 1;
        duplicateIds.add(e.getKey() + " x" + e.getValue().size() + " (" + e.getValue().get(0).from() + " -> " + e.getValue().get(0).rcpt() + ")");
      }
    }
    int twoIds = 0;
    for (var e : idsByRecipient.entrySet()) if (e.getValue().size() > 1) twoIds++;
    int delivered = 0;
    int refusedCount = 0;
    List<String> lost = new ArrayList<>();
    for (String key : tenantOf.keySet()) {
      if (idsByRecipient.containsKey(key)) delivered++;
      else if (refused.contains(key.substring(key.indexOf('|') + 1))) refusedCount++;
      else lost.add(key.replace('|', ' '));
    }

    List<Worst> worst = limits(received);
    long violations = worst.stream().filter(Worst::exceeded).count();

    out.printf(Locale.ROOT, "recipients uploaded   %d (%d tenants, %d accounts in the plan)%n", uploaded, tenants.size(), accounts.size());
    out.printf(Locale.ROOT, "messages received     %d", received.size());
    if (!received.isEmpty()) {
      Duration span = Duration.between(received.get(0).at(), received.get(received.size() - 1).at());
      out.printf(Locale.ROOT, " from %s to %s (%.1f s)", received.get(0).at(), received.get(received.size() - 1).at(), span.toMillis() / 1000.0);
    }
    out.println();
    out.printf(Locale.ROOT, "incomplete dumps      %d (transactions the server was stopped in: no message)%n", incomplete);
    out.printf(Locale.ROOT, "delivered             %d%n", delivered);
    out.printf(Locale.ROOT, "refused by the server %d (5xx to RCPT, from the sink log)%n", refusedCount);
    out.printf(Locale.ROOT, "lost                  %d%n", lost.size());
    lost.stream().limit(20).forEach(l -> out.println("  lost: " + l));
    out.printf(Locale.ROOT, "duplicates            %d extra copies of %d Message-IDs; %d recipients with two Message-IDs%n",
        duplicateCopies, duplicateIds.size(), twoIds);
    duplicateIds.stream().limit(20).forEach(d -> out.println("  duplicate: " + d));
    out.printf(Locale.ROOT, "unexpected            %d%n", unexpected.size());
    unexpected.stream().limit(20).forEach(u -> out.println("  unexpected: " + u));
    out.println("worst window at the server, per limit:");
    for (Worst w : worst) {
      out.printf(Locale.ROOT, "  %-14s %-10s worst %6d of %6d  %-4s %s at %s%n", w.scope(), w.limit().text(), w.count(),
          w.limit().count(), w.exceeded() ? "OVER" : "ok", w.subject(), w.at());
    }
    out.printf(Locale.ROOT, "limit violations      %d%n", violations);
    boolean ok = lost.isEmpty() && violations == 0 && unexpected.isEmpty() && twoIds == 0;
    out.println(ok ? "PASS" : "FAIL");

    if (summaryFile != null) {
      StringBuilder s = new StringBuilder();
      s.append("uploaded=").append(uploaded).append('\n');
      s.append("received=").append(received.size()).append('\n');
      s.append("incomplete=").append(incomplete).append('\n');
      s.append("delivered=").append(delivered).append('\n');
      s.append("refused=").append(refusedCount).append('\n');
      s.append("lost=").append(lost.size()).append('\n');
      s.append("duplicates=").append(duplicateCopies).append('\n');
      s.append("duplicate-senders=").append(String.join(",", duplicateIds.stream()
          .map(d -> d.substring(d.indexOf('(') + 1, d.indexOf(" -> "))).distinct().toList())).append('\n');
      s.append("unexpected=").append(unexpected.size()).append('\n');
      s.append("violations=").append(violations).append('\n');
      for (Worst w : worst) {
        s.append("worst.").append(w.scope()).append('.').append(w.limit().text()).append('=')
            .append(w.count()).append('/').append(w.limit().count()).append('\n');
      }
      s.append("result=").append(ok ? "PASS" : "FAIL").append('\n');
      try {
        Files.writeString(summaryFile, s.toString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + summaryFile, e);
      }
    }
    return ok;
  }

  /** The worst window of every limit: per account, per recipient domain and tenant, per recipient domain, global. */
  List<Worst> limits(List<Received> received) {
    Map<String, List<Instant>> perAccount = new TreeMap<>();
    Map<String, List<Instant>> perDomainTenant = new TreeMap<>();
    Map<String, List<Instant>> perDomain = new TreeMap<>();
    List<Instant> all = new ArrayList<>();
    for (Received m : received) {
      Account a = accounts.get(m.from());
      if (a == null) continue;
      perAccount.computeIfAbsent(a.address(), k -> new ArrayList<>()).add(m.at());
      perDomainTenant.computeIfAbsent(a.tenant() + " " + m.rcptDomain(), k -> new ArrayList<>()).add(m.at());
      perDomain.computeIfAbsent(m.rcptDomain(), k -> new ArrayList<>()).add(m.at());
      all.add(m.at());
    }
    List<Worst> out = new ArrayList<>();
    Map<Limit, Worst> accountWorst = new LinkedHashMap<>();
    for (var e : perAccount.entrySet()) {
      Account a = accounts.get(e.getKey());
      for (Limit l : a.limits()) {
        Worst w = worst("account", l, e.getKey(), e.getValue(), a.zone());
        accountWorst.merge(l, w, Checker::worse);
      }
    }
    out.addAll(accountWorst.values());
    for (Limit l : domainTenant) {
      Worst w = null;
      for (var e : perDomainTenant.entrySet()) w = worse(w, worst("domain-tenant", l, e.getKey(), e.getValue(), domainZone));
      if (w != null) out.add(w);
    }
    for (Limit l : domainSystem) {
      Worst w = null;
      for (var e : perDomain.entrySet()) w = worse(w, worst("domain-system", l, e.getKey(), e.getValue(), domainZone));
      if (w != null) out.add(w);
    }
    for (Limit l : global) out.add(worst("global", l, "all", all, domainZone));
    return out;
  }

  private static Worst worse(Worst a, Worst b) {
    if (a == null) return b;
    double ra = (double) a.count() / a.limit().count();
    double rb = (double) b.count() / b.limit().count();
    return rb > ra ? b : a;
  }

  /** The largest number of receipts in one window of the limit: sliding {@code (t - w, t]}, or a calendar day. */
  static Worst worst(String scope, Limit limit, String subject, List<Instant> times, ZoneId zone) {
    List<Instant> sorted = new ArrayList<>(times);
    sorted.sort(null);
    int best = 0;
    Instant at = sorted.isEmpty() ? Instant.EPOCH : sorted.get(0);
    if (limit.calendarDay()) {
      Map<LocalDate, Integer> perDay = new HashMap<>();
      for (Instant t : sorted) {
        LocalDate d = t.atZone(zone).toLocalDate();
        int n = perDay.merge(d, 1, Integer::sum);
        if (n > best) {
          best = n;
          at = t;
        }
      }
    } else {
      int from = 0;
      for (int to = 0; to < sorted.size(); to++) {
        Instant start = sorted.get(to).minus(limit.window());
        while (!sorted.get(from).isAfter(start)) from++;
        int n = to - from + 1;
        if (n > best) {
          best = n;
          at = sorted.get(to);
        }
      }
    }
    return new Worst(scope, limit, subject, best, at);
  }
}
