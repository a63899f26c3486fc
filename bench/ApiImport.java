import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recipient import benchmark: writes a realistic recipient CSV, uploads it to a campaign with
 * {@code POST /v1/campaigns/{id}/recipients}, and prints the time, the import report and the memory
 * of the node while it streamed the file. Run with the JDK's source launcher, no dependencies:
 *
 * <pre>
 *   java bench/ApiImport.java csv ROWS FILE
 *   java bench/ApiImport.java upload --url URL --key KEY --campaign ID --file FILE [--pid PID] [--label TEXT]
 * </pre>
 *
 * {@code csv} writes ROWS data rows (email,name,company,title,consent) after the header, the same file
 * for the same ROWS every time. {@code upload} sends FILE and, when PID (the node's process) is given,
 * samples its resident set from /proc and its heap with jstat; before and after the upload it runs a
 * full GC (jcmd GC.run) to read the live heap. It exits 1 when the upload does not answer 200.
 */
public final class ApiImport {

  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    switch (args[0]) {
      case "csv" -> {
        if (args.length != 3) usage();
        int rows = Integer.parseInt(args[1]);
        RecipientFile.Summary s = RecipientFile.write(rows, Path.of(args[2]));
        System.out.printf(
            Locale.ROOT,
            "csv: %d rows, %.1f MB, %d domains, %d quoted fields; planted %d repeated, %d invalid, %d role addresses%n",
            rows, s.bytes() / 1e6, s.domains(), s.quoted(), s.repeated(), s.invalid(), s.role());
      }
      case "upload" -> System.exit(upload(options(args)));
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: java bench/ApiImport.java csv ROWS FILE\n"
            + "       java bench/ApiImport.java upload --url URL --key KEY --campaign ID --file FILE [--pid PID] [--label TEXT]");
    System.exit(2);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) usage();
      o.put(args[i].substring(2), args[++i]);
    }
    for (String required : List.of("url", "key", "campaign", "file")) {
      if (!o.containsKey(required)) usage();
    }
    return o;
  }

  private static int upload(Map<String, String> o) throws Exception {
    Path file = Path.of(o.get("file"));
    long rows = countRows(file);
    long bytes = Files.size(file);
    String label = o.getOrDefault("label", file.getFileName().toString());
    long pid = o.containsKey("pid") ? Long.parseLong(o.get("pid")) : -1;
    NodeMemory memory = pid > 0 ? new NodeMemory(pid) : null;

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(o.get("url") + "/v1/campaigns/" + o.get("campaign") + "/recipients"))
            .header("Authorization", "Bearer " + o.get("key"))
            .header("Content-Type", "text/csv; charset=utf-8")
            .timeout(Duration.ofMinutes(10))
            .POST(HttpRequest.BodyPublishers.ofFile(file))
            .build();

    NodeMemory.Reading before = memory == null ? null : memory.settled();
    if (memory != null) memory.startSampling();
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    double seconds = (System.nanoTime() - start) / 1e9;
    NodeMemory.Peak peak = memory == null ? null : memory.stopSampling();
    NodeMemory.Reading after = memory == null ? null : memory.settled();

    System.out.printf(Locale.ROOT, "== %s: %d rows, %.1f MB%n", label, rows, bytes / 1e6);
    if (response.statusCode() != 200) {
      System.out.printf("upload failed: HTTP %d %s%n", response.statusCode(), response.body());
      return 1;
    }
    String body = response.body();
    System.out.printf(Locale.ROOT, "  time        %.2f s, %.0f rows/s, %.1f MB/s%n", seconds, rows / seconds, bytes / 1e6 / seconds);
    System.out.printf(
        "  report      accepted %d, rejected %d, duplicates %d, suppressed %d, roleAddresses %d%n",
        number(body, "accepted"), number(body, "rejectedTotal"), number(body, "duplicates"), number(body, "suppressed"),
        number(body, "roleAddresses"));
    if (memory != null) {
      System.out.printf(
          Locale.ROOT,
          "  heap        live before %.0f MB; during upload: peak used %.0f MB, peak old gen %.0f MB (%d samples);"
              + " live after %.0f MB%n",
          mb(before.heapUsedKb()), mb(peak.heapUsedKb()), mb(peak.oldUsedKb()), peak.samples(), mb(after.heapUsedKb()));
      System.out.printf(
          Locale.ROOT,
          "  rss         before %.0f MB; peak during upload %.0f MB (%s)%n",
          mb(before.rssKb()), mb(peak.rssKb()), peak.rssSource());
    }
    System.out.printf(
        Locale.ROOT,
        "RESULT %s rows=%d seconds=%.2f rows_per_s=%.0f accepted=%d rejected=%d duplicates=%d suppressed=%d role=%d"
            + " heap_peak_mb=%.0f old_peak_mb=%.0f live_after_mb=%.0f rss_peak_mb=%.0f%n",
        label, rows, seconds, rows / seconds, number(body, "accepted"), number(body, "rejectedTotal"),
        number(body, "duplicates"), number(body, "suppressed"), number(body, "roleAddresses"),
        memory == null ? 0 : mb(peak.heapUsedKb()), memory == null ? 0 : mb(peak.oldUsedKb()),
        memory == null ? 0 : mb(after.heapUsedKb()), memory == null ? 0 : mb(peak.rssKb()));
    return 0;
  }

  private static double mb(long kb) {
    return kb / 1024.0;
  }

  private static long number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
    if (!m.find()) throw new IllegalStateException("no '" + field + "' in the answer: " + json);
    return Long.parseLong(m.group(1));
  }

  /** Data rows: CSV records after the header (a quoted field never holds a line break in these files). */
  private static long countRows(Path file) throws IOException {
    long lines = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        for (int i = 0; i < n; i++) if (buffer[i] == '\n') lines++;
      }
    }
    return lines - 1;
  }

  /** The resident set (from /proc) and heap (jstat, jcmd) of the node's JVM. */
  static final class NodeMemory {

    record Reading(long heapUsedKb, long rssKb) {}

    record Peak(long heapUsedKb, long oldUsedKb, long rssKb, String rssSource, int samples) {}

    private final long pid;
    private final Path status;
    private Process jstat;
    private Thread reader;
    private ScheduledExecutorService rssSampler;
    private long peakHeapKb;
    private long peakOldKb;
    private int samples;
    private volatile long peakSampledRssKb;
    private boolean hwmReset;

    NodeMemory(long pid) {
      this.pid = pid;
      this.status = Path.of("/proc/" + pid + "/status");
    }

    /** Heap in use right after a full GC (the live set), and the resident set now. */
    Reading settled() throws IOException, InterruptedException {
      run("jcmd", String.valueOf(pid), "GC.run");
      return new Reading(heapUsedKb(), statusKb("VmRSS"));
    }

    void startSampling() throws IOException {
      // Writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one.
      try {
        Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
        hwmReset = true;
      } catch (IOException e) {
        hwmReset = false;
      }
      peakSampledRssKb = statusKb("VmRSS");
      rssSampler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "rss-sampler");
                t.setDaemon(true);
                return t;
              });
      rssSampler.scheduleAtFixedRate(
          () -> {
            try {
              peakSampledRssKb = Math.max(peakSampledRssKb, statusKb("VmRSS"));
            } catch (IOException e) {
              // The node has exited: the samples taken so far stand.
            }
          },
          50, 50, TimeUnit.MILLISECONDS);
      jstat = new ProcessBuilder("jstat", "-gc", String.valueOf(pid), "100").redirectErrorStream(true).start();
      reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
                  List<String> header = null;
                  for (String line; (line = lines.readLine()) != null; ) header = sample(line, header);
                } catch (IOException e) {
                  // jstat was stopped: the samples taken so far stand.
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    Peak stopSampling() throws IOException, InterruptedException {
      rssSampler.shutdownNow();
      rssSampler.awaitTermination(5, TimeUnit.SECONDS);
      jstat.destroy();
      jstat.waitFor(5, TimeUnit.SECONDS);
      reader.join();
      long rss = hwmReset ? statusKb("VmHWM") : peakSampledRssKb;
      return new Peak(peakHeapKb, peakOldKb, rss, hwmReset ? "VmHWM, reset before the upload" : "VmRSS sampled every 50 ms", samples);
    }

    /** One line of jstat -gc: the header names the columns (sizes in KB). */
    private List<String> sample(String line, List<String> header) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4) return header;
      if (f[0].equals("S0C")) return Arrays.asList(f);
      if (header == null) return null;
      double young = value(f, header, "S0U") + value(f, header, "S1U") + value(f, header, "EU");
      double old = value(f, header, "OU");
      peakHeapKb = Math.max(peakHeapKb, (long) (young + old));
      peakOldKb = Math.max(peakOldKb, (long) old);
      samples++;
      return header;
    }

    private static double value(String[] fields, List<String> header, String column) {
      return Double.parseDouble(fields[header.indexOf(column)]);
    }

    private long heapUsedKb() throws IOException, InterruptedException {
      String[] lines = run("jstat", "-gc", String.valueOf(pid)).trim().split("\n");
      List<String> header = Arrays.asList(lines[0].trim().split("\\s+"));
      String[] f = lines[1].trim().split("\\s+");
      return (long) (value(f, header, "S0U") + value(f, header, "S1U") + value(f, header, "EU") + value(f, header, "OU"));
    }

    private long statusKb(String field) throws IOException {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
      throw new IOException("no " + field + " in " + status);
    }

    private static String run(String... command) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
      return out;
    }
  }

  /**
   * A recipient list as a sales team exports it from a CRM: people at companies on some thousands of
   * domains plus the large mailbox providers, names from many countries (UTF-8), company names and
   * job titles with commas (quoted), a consent record per row. A few rows repeat an earlier address
   * in other letter case, a few are not addresses, a few are role addresses (info@...).
   */
  static final class RecipientFile {

    record Summary(long bytes, int domains, long quoted, long repeated, long invalid, long role) {}

    private static final String[] FIRST = {
      "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kenji", "Laura", "Mateo",
      "Nora", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tara", "Ugo", "Vera", "Wei", "Xavier", "Yara", "Zoe",
      "Amélie", "Björn", "Chloé", "Dominik", "Emma", "Felix", "Giulia", "Hannah", "Ivan", "Julia", "Karim", "Lena",
      "Marco", "Nina", "Oliver", "Paula", "Rafael", "Sofia", "Tomás", "Ulla", "Victor", "William", "Yusuf", "Zeynep",
      "Aisha", "Bruno", "Camille", "Daniel", "Eva", "Fatima", "Gabriel", "Helena", "Isabel", "Jan", "Katarzyna",
      "Lucas", "Maria", "Noah", "Olga", "Pedro", "Rahul", "Sara", "Theo", "Valentina", "Wojciech", "Ahmed", "Beatriz",
      "Chen", "Diego", "Emily", "François", "Hiroshi", "Ingrid", "Jack", "Liam", "Mia", "Nikolai", "Patrick", "Ruth",
    };
    private static final String[] LAST = {
      "Smith", "Müller", "García", "Rossi", "Dubois", "Kowalski", "Nguyen", "Johansson", "O'Brien", "Silva", "Novak",
      "Jensen", "Tanaka", "Kim", "Patel", "Schmidt", "Martin", "Fernández", "Bianchi", "Lefebvre", "Nowak", "Tran",
      "Andersson", "Murphy", "Santos", "Horvat", "Nielsen", "Suzuki", "Park", "Shah", "Schneider", "Bernard", "López",
      "Romano", "Moreau", "Wiśniewski", "Le", "Karlsson", "Kelly", "Oliveira", "Kovač", "Hansen", "Watanabe", "Lee",
      "Singh", "Fischer", "Thomas", "Martínez", "Colombo", "Laurent", "Wójcik", "Pham", "Nilsson", "Walsh", "Costa",
      "Babić", "Pedersen", "Ito", "Choi", "Gupta", "Weber", "Robert", "Sánchez", "Ricci", "Simon", "Kamiński", "Hoang",
      "Eriksson", "Byrne", "Pereira", "Marić", "Larsen", "Yamamoto", "Jung", "Kumar", "Meyer", "Richard", "Gómez",
      "Marino", "Michel", "Lewandowski", "Phan", "Larsson", "Ryan", "Rodrigues", "Jurić", "Sørensen", "Nakamura",
      "Kang", "Mehta", "Wagner", "Petit", "Díaz", "Greco", "Lefèvre", "Zieliński", "Vu", "Olsson", "O'Connor",
    };
    private static final String[] COMPANY_HEAD = {
      "North", "Blue", "Silver", "Bright", "Cedar", "Iron", "Maple", "Summit", "Harbor", "Pioneer", "Falcon", "Vertex",
      "Atlas", "Nova", "Granite", "Willow", "Crest", "Delta", "Orbit", "Prairie", "Quantum", "Redwood", "Sterling",
      "Tidal", "Union", "Vector", "Westfield", "Zenith", "Apex", "Beacon", "Coastal", "Evergreen", "Frontier", "Golden",
      "Horizon", "Keystone", "Lumen", "Meridian", "Oak", "Polar", "Riverside", "Solar", "Trinity", "Urban", "Vista",
      "Alpine", "Bluebird", "Clearwater", "Eastgate", "Fairview", "Highland", "Juniper", "Lakeside", "Mosaic",
      "Nimbus", "Oasis", "Pinnacle", "Quarry", "Rockport", "Sapphire",
    };
    private static final String[] COMPANY_TAIL = {
      "wind", "peak", "line", "path", "works", "field", "bridge", "gate", "stone", "point", "wave", "forge", "labs",
      "soft", "data", "logic", "cloud", "metrics", "systems", "dynamics", "partners", "ware", "mark", "craft", "net",
      "stack", "scale", "sense", "grid", "flow", "tech", "base", "hub", "spring", "vale", "rock", "light", "port",
      "shore", "ridge", "leaf", "star", "bay", "crest", "haven", "mill", "view", "wood", "yard", "zone", "core",
      "tide", "root", "trail", "beam", "quest", "sight", "mint", "nest", "loop",
    };
    private static final String[] COMPANY_FORM = {
      "", "", "", " Inc.", ", Inc.", " GmbH", " Ltd", ", LLC", " SA", " B.V.", " AB", " S.r.l.", " Group", " & Co.",
    };
    private static final String[] COMPANY_TRADE = {
      "", "", "", " Logistics", " Software", " Analytics", " Consulting", " Health", " Foods", " Energy", " Media",
      " Robotics", " Capital", " Retail", " Security",
    };
    private static final String[] TLD = {".com", ".com", ".com", ".io", ".de", ".co.uk", ".fr", ".nl", ".net", ".se", ".it", ".es"};
    private static final String[] PROVIDERS = {
      "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "gmx.de", "web.de", "proton.me",
    };
    private static final String[] TITLES = {
      "CEO", "CTO", "Founder", "Co-Founder", "Head of Sales", "VP, Sales", "VP, Marketing", "Director, Operations",
      "Marketing Manager", "Sales Manager", "Account Executive", "Head of Growth", "Procurement Lead",
      "Chief Revenue Officer", "Engineering Manager", "Product Manager", "Head of People", "Office Manager",
      "Managing Director", "Business Development Manager", "Senior Buyer", "Purchasing Manager, EMEA",
      "Director of IT", "Partner", "Owner",
    };
    private static final String[] CONSENT = {
      "opt-in web form", "opt-in webinar sign-up", "trade fair badge scan", "customer", "legitimate interest",
      "double opt-in newsletter",
    };
    private static final String[] ROLE = {"info", "sales", "support", "admin"};
    private static final String[] INVALID = {"name.at.example.com", "no-domain@", "two@@signs.com", "spaces in@mail.com"};

    /** One row in this many repeats an earlier address (other letter case), is invalid, is a role address. */
    private static final int REPEAT_EVERY = 500;
    private static final int INVALID_EVERY = 1000;
    private static final int ROLE_EVERY = 1500;
    /** About a fifth of the people use a large mailbox provider. */
    private static final int PROVIDER_EVERY = 5;
    /** A prime larger than the number of people the lists can name. */
    private static final long SCATTER = 2_654_435_761L;

    private RecipientFile() {}

    static Summary write(int rows, Path file) throws IOException {
      int companies = COMPANY_HEAD.length * COMPANY_TAIL.length;
      long quoted = 0;
      long repeated = 0;
      long invalid = 0;
      long role = 0;
      Set<String> domains = new HashSet<>();
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
        out.write("email,name,company,title,consent\r\n");
        String previousEmail = null;
        long people = (long) FIRST.length * LAST.length * companies;
        for (int i = 0; i < rows; i++) {
          // Multiplying by a prime modulo the number of (first, last, company) combinations is a bijection: it
          // scatters the rows over names and companies and keeps every address unique.
          long n = (i % people) * SCATTER % people;
          long suffix = i / people;
          String first = FIRST[(int) (n % FIRST.length)];
          String last = LAST[(int) (n / FIRST.length % LAST.length)];
          int company = (int) (n / FIRST.length / LAST.length);
          String head = COMPANY_HEAD[company % COMPANY_HEAD.length];
          String tail = COMPANY_TAIL[company / COMPANY_HEAD.length];
          String companyName =
              head + tail + COMPANY_TRADE[(int) (n % COMPANY_TRADE.length)] + COMPANY_FORM[(int) (n % COMPANY_FORM.length)];
          boolean provider = i % PROVIDER_EVERY == 0;
          String domain =
              provider ? PROVIDERS[(int) (n % PROVIDERS.length)] : (head + tail).toLowerCase(Locale.ROOT) + TLD[company % TLD.length];
          // People at a mailbox provider carry a number, as such addresses usually do.
          String local =
              ascii(first) + "." + ascii(last) + (provider ? String.valueOf(company) : "") + (suffix == 0 ? "" : "." + suffix);
          String email = local + "@" + domain;
          if (i % REPEAT_EVERY == REPEAT_EVERY - 1 && previousEmail != null) {
            email = previousEmail.toUpperCase(Locale.ROOT);
            repeated++;
          } else if (i % INVALID_EVERY == 1) {
            email = INVALID[i / INVALID_EVERY % INVALID.length];
            invalid++;
          } else if (i % ROLE_EVERY == 2) {
            email = ROLE[i / ROLE_EVERY % ROLE.length] + "@" + domain;
            role++;
          } else {
            previousEmail = email;
          }
          domains.add(domain);
          String title = TITLES[(int) (n / 7 % TITLES.length)];
          String consent = CONSENT[(int) (n / 3 % CONSENT.length)] + " " + date(n);
          String[] fields = {email, first + " " + last, companyName, title, consent};
          for (int f = 0; f < fields.length; f++) {
            if (f > 0) out.write(',');
            String value = fields[f];
            if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0) {
              out.write('"');
              out.write(value.replace("\"", "\"\""));
              out.write('"');
              quoted++;
            } else {
              out.write(value);
            }
          }
          out.write("\r\n");
        }
      }
      Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return new Summary(Files.size(file), domains.size(), quoted, repeated, invalid, role);
    }

    /** The name as people write it in an address: lower case, no accents or apostrophes. */
    private static String ascii(String name) {
      String plain = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
      return plain.replace("ø", "o").replace("ł", "l").replace("'", "").toLowerCase(Locale.ROOT);
    }

    private static String date(long n) {
      return String.format(Locale.ROOT, "%d-%02d-%02d", 2022 + n % 3, 1 + n % 12, 1 + n % 28);
    }
  }
}
