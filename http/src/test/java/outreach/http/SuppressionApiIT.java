package outreach.http;

import static org.assertj.core.api.Assertions.assertThat;
import static outreach.http.ApiFixture.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import outreach.persistence.campaign.SuppressionReason;

/** The suppression list over real HTTP on a real PostgreSQL: entries, pages, CSV import and export, tenant scoping. */
class SuppressionApiIT {

  private static final int MAX_CSV_BYTES = 16 * 1024;
  private static final int MAX_CSV_ROWS = 100;
  /** Also the export's page size, so that a list of MAX_CSV_ROWS is exported in several pages. */
  private static final int MAX_PAGE_SIZE = 30;

  private static ApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.start("SuppressionApiIT", MAX_PAGE_SIZE, MAX_CSV_BYTES, MAX_CSV_ROWS);
  }

  @AfterAll
  static void stop() {
    if (api != null) api.close();
  }

  @Test
  void addsAnAddressOnceAndTheFirstReasonWins() throws Exception {
    String key = api.tenant("Adder").apiKey();

    HttpResponse<String> created =
        api.send("POST", "/v1/suppressions", key, "application/json", "{\"email\":\" Ann@Example.com \",\"reason\":\"complaint\",\"source\":\"support ticket 42\"}");
    JsonNode entry = api.ok(created, 201);
    assertThat(entry.get("email").asText()).isEqualTo("Ann@Example.com");
    assertThat(entry.get("reason").asText()).isEqualTo("complaint");
    assertThat(entry.get("source").asText()).isEqualTo("support ticket 42");
    assertThat(entry.get("createdAt").asText()).isNotBlank();
    assertThat(created.headers().firstValue("Location")).hasValue("/v1/suppressions/Ann@Example.com");

    JsonNode again = api.ok(api.send("POST", "/v1/suppressions", key, "application/json", "{\"email\":\"ann@example.com\"}"), 200);
    assertThat(again).isEqualTo(entry);

    JsonNode defaults = api.ok(api.send("POST", "/v1/suppressions", key, "application/json", "{\"email\":\"bob@example.com\"}"), 201);
    assertThat(defaults.get("reason").asText()).isEqualTo("manual");
    assertThat(defaults.get("source").asText()).isEqualTo("api");
    assertThat(api.suppressions.contains(tenantOf(key), "BOB@example.com").toCompletableFuture().join()).isTrue();
  }

  @Test
  void aBadEntryIsA400NamingTheField() throws Exception {
    String key = api.tenant("Strict").apiKey();

    assertThat(problem(key, "{}")).contains("'email'");
    assertThat(problem(key, "{\"email\":\"not-an-address\"}")).contains("'email'");
    assertThat(problem(key, "{\"email\":\"a@example.com\\r\\nBcc: b@example.com\"}")).contains("'email'");
    assertThat(problem(key, "{\"email\":\"a@example.com\",\"reason\":\"spam\"}")).contains("'reason'").contains("hard-bounce");
    assertThat(problem(key, "{\"email\":\"a@example.com\",\"source\":\"" + "s".repeat(201) + "\"}")).contains("'source'");
    assertThat(problem(key, "{\"email\":\"a@example.com\",\"note\":\"x\"}")).contains("unknown field 'note'");
    assertProblem(api.send("POST", "/v1/suppressions", key, "text/plain", "{\"email\":\"a@example.com\"}"), 415);
    assertThat(api.ok(api.send("GET", "/v1/suppressions", key, null, null), 200).get("items")).isEmpty();
  }

  @Test
  void everyRouteNeedsAValidApiKey() throws Exception {
    String[][] calls = {
      {"GET", "/v1/suppressions", null},
      {"POST", "/v1/suppressions", "application/json"},
      {"DELETE", "/v1/suppressions/a@example.com", null},
      {"POST", "/v1/suppressions/import", "text/csv"},
      {"GET", "/v1/suppressions/export", null}
    };
    for (String[] call : calls) {
      assertProblem(api.send(call[0], call[1], null, call[2], call[2] == null ? null : "email\n"), 401);
      assertProblem(api.send(call[0], call[1], "ok_0123456789abcdef_" + "A".repeat(43), call[2], null), 401);
      assertProblem(api.send(call[0], call[1], api.adminToken, call[2], null), 401);
    }
  }

  @Test
  void listsPageByPageInAddressOrder() throws Exception {
    String key = api.tenant("Lister").apiKey();
    for (String email : List.of("d@example.com", "B@example.com", "a@example.com", "c@example.com", "e@example.com")) {
      api.ok(api.send("POST", "/v1/suppressions", key, "application/json", "{\"email\":\"" + email + "\"}"), 201);
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String query = "?limit=2" + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonNode page = api.ok(api.send("GET", "/v1/suppressions" + query, key, null, null), 200);
      assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
      page.get("items").forEach(i -> seen.add(i.get("email").asText()));
      cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
      pages++;
    } while (cursor != null);

    assertThat(seen).containsExactly("a@example.com", "B@example.com", "c@example.com", "d@example.com", "e@example.com");
    assertThat(pages).isEqualTo(3);
    assertProblem(api.send("GET", "/v1/suppressions?limit=0", key, null, null), 400);
    assertProblem(api.send("GET", "/v1/suppressions?limit=31", key, null, null), 400);
    assertProblem(api.send("GET", "/v1/suppressions?limit=x", key, null, null), 400);
  }

  @Test
  void removesAnAddressAndAnotherTenantsEntriesAreInvisible() throws Exception {
    String keyA = api.tenant("A").apiKey();
    String keyB = api.tenant("B").apiKey();
    api.ok(api.send("POST", "/v1/suppressions", keyA, "application/json", "{\"email\":\"gone@example.com\"}"), 201);
    api.ok(api.send("POST", "/v1/suppressions", keyA, "application/json", "{\"email\":\"kept@example.com\"}"), 201);

    // B sees none of A's list and cannot delete from it.
    assertThat(api.ok(api.send("GET", "/v1/suppressions", keyB, null, null), 200).get("items")).isEmpty();
    assertProblem(api.send("DELETE", "/v1/suppressions/gone@example.com", keyB, null, null), 404);
    assertThat(api.send("GET", "/v1/suppressions/export", keyB, null, null).body()).isEqualTo("email,reason,source,created_at\r\n");

    HttpResponse<String> deleted = api.send("DELETE", "/v1/suppressions/GONE%40example.com", keyA, null, null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertProblem(api.send("DELETE", "/v1/suppressions/gone@example.com", keyA, null, null), 404);
    JsonNode items = api.ok(api.send("GET", "/v1/suppressions", keyA, null, null), 200).get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("email").asText()).isEqualTo("kept@example.com");
  }

  @Test
  void importsACsvAndReportsEveryRow() throws Exception {
    String key = api.tenant("Importer").apiKey();
    api.ok(api.send("POST", "/v1/suppressions", key, "application/json", "{\"email\":\"old@example.com\",\"reason\":\"complaint\"}"), 201);
    String csv =
        "\uFEFFEmail,Reason,Source,Notes\r\n"
            + "new@example.com,hard-bounce,\"Campaign \"\"Spring\"\", wave 2\",x\r\n"
            + "OLD@example.com,manual,,\r\n"
            + "not-an-address,manual,,\r\n"
            + "plain@example.com,,,\r\n"
            + "bad-reason@example.com,spam,,\r\n"
            + "new@example.com,complaint,again,\r\n"
            + "\r\n"
            + "late@example.com\r\n";

    JsonNode report = api.ok(api.send("POST", "/v1/suppressions/import", key, "text/csv", csv), 200);

    assertThat(report.get("added").asInt()).isEqualTo(3);
    assertThat(report.get("alreadySuppressed").asInt()).isEqualTo(2);
    assertThat(report.get("rejectedTotal").asInt()).isEqualTo(2);
    assertThat(report.get("rejected").get(0).get("line").asInt()).isEqualTo(4);
    assertThat(report.get("rejected").get(0).get("email").asText()).isEqualTo("not-an-address");
    assertThat(report.get("rejected").get(1).get("line").asInt()).isEqualTo(6);
    assertThat(report.get("rejected").get(1).get("reason").asText()).contains("reason");

    List<JsonNode> items = new ArrayList<>();
    api.ok(api.send("GET", "/v1/suppressions", key, null, null), 200).get("items").forEach(items::add);
    assertThat(items).extracting(i -> i.get("email").asText())
        .containsExactly("late@example.com", "new@example.com", "old@example.com", "plain@example.com");
    assertThat(items.get(1).get("reason").asText()).isEqualTo("hard-bounce");
    assertThat(items.get(1).get("source").asText()).isEqualTo("Campaign \"Spring\", wave 2");
    assertThat(items.get(2).get("reason").asText()).isEqualTo("complaint");
    assertThat(items.get(3).get("reason").asText()).isEqualTo("manual");
    assertThat(items.get(3).get("source").asText()).isEqualTo("import");
  }

  @Test
  void aBadOrOversizedImportWritesNothing() throws Exception {
    String key = api.tenant("Refused").apiKey();

    assertThat(importProblem(key, "text/csv", "", 400)).contains("empty");
    assertThat(importProblem(key, "text/csv", "address\na@example.com\n", 400)).contains("'email'");
    assertThat(importProblem(key, "text/csv", "email,email\na@example.com,b@example.com\n", 400)).contains("twice");
    assertThat(importProblem(key, "text/csv", "email\na@example.com\n\"b@example.com\n", 400)).contains("malformed");
    importProblem(key, "application/json", "{}", 415);
    importProblem(key, "text/csv; charset=ISO-8859-1", "email\n", 415);

    StringBuilder rows = new StringBuilder("email\n");
    for (int i = 0; i <= MAX_CSV_ROWS; i++) rows.append("r").append(i).append("@example.com\n");
    assertThat(importProblem(key, "text/csv", rows.toString(), 413)).contains(String.valueOf(MAX_CSV_ROWS));
    StringBuilder big = new StringBuilder("email,source\n");
    String filler = "f".repeat(150);
    for (int i = 0; big.length() <= MAX_CSV_BYTES; i++) big.append("b").append(i).append("@example.com,").append(filler).append('\n');
    importProblem(key, "text/csv", big.toString(), 413);

    // The valid rows before each failure were not kept either.
    assertThat(api.ok(api.send("GET", "/v1/suppressions", key, null, null), 200).get("items")).isEmpty();
  }

  @Test
  void exportsAsRfc4180CsvThatImportsBackUnchanged() throws Exception {
    String from = api.tenant("Exporter").apiKey();
    String to = api.tenant("Receiver").apiKey();
    String[][] entries = {
      {"comma@example.com", "complaint", "Ticket 7, escalated"},
      {"quote@example.com", "hard-bounce", "said \"no\" twice"},
      {"plain@example.com", "unsubscribed", "plain"},
      {"Upper@Example.com", "manual", "api"}
    };
    for (String[] e : entries) {
      api.ok(
          api.send(
              "POST",
              "/v1/suppressions",
              from,
              "application/json",
              ApiFixture.JSON.writeValueAsString(java.util.Map.of("email", e[0], "reason", e[1], "source", e[2]))),
          201);
    }

    HttpResponse<String> export = api.send("GET", "/v1/suppressions/export", from, null, null);

    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
    assertThat(export.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
    String body = export.body();
    assertThat(body).startsWith("email,reason,source,created_at\r\n").endsWith("\r\n");
    assertThat(body).contains("comma@example.com,complaint,\"Ticket 7, escalated\",");
    assertThat(body).contains("quote@example.com,hard-bounce,\"said \"\"no\"\" twice\",");
    List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new java.io.StringReader(body)).getRecords();
    assertThat(records).extracting(r -> r.get("email"))
        .containsExactly("comma@example.com", "plain@example.com", "quote@example.com", "Upper@Example.com");
    for (CSVRecord r : records) {
      SuppressionReason.fromWireName(r.get("reason"));
      assertThat(java.time.Instant.parse(r.get("created_at"))).isNotNull();
    }

    JsonNode report = api.ok(api.send("POST", "/v1/suppressions/import", to, "text/csv", body), 200);
    assertThat(report.get("added").asInt()).isEqualTo(4);
    assertThat(report.get("rejectedTotal").asInt()).isZero();
    JsonNode original = api.ok(api.send("GET", "/v1/suppressions", from, null, null), 200).get("items");
    JsonNode copy = api.ok(api.send("GET", "/v1/suppressions", to, null, null), 200).get("items");
    assertThat(copy).hasSize(4);
    for (int i = 0; i < 4; i++) {
      for (String field : List.of("email", "reason", "source")) {
        assertThat(copy.get(i).get(field)).isEqualTo(original.get(i).get(field));
      }
    }
  }

  @Test
  void exportsALongListAcrossManyPages() throws Exception {
    String key = api.tenant("Long").apiKey();
    StringBuilder csv = new StringBuilder("email\n");
    for (int i = 0; i < MAX_CSV_ROWS; i++) csv.append(String.format("p%03d@example.com%n", i));
    assertThat(api.ok(api.send("POST", "/v1/suppressions/import", key, "text/csv", csv.toString()), 200).get("added").asInt())
        .isEqualTo(MAX_CSV_ROWS);

    String body = api.send("GET", "/v1/suppressions/export", key, null, null).body();

    String[] lines = body.split("\r\n");
    assertThat(lines).hasSize(MAX_CSV_ROWS + 1);
    assertThat(lines[1]).startsWith("p000@example.com,manual,import,");
    assertThat(lines[MAX_CSV_ROWS]).startsWith("p099@example.com,");
  }

  private String problem(String key, String body) throws Exception {
    return assertProblem(api.send("POST", "/v1/suppressions", key, "application/json", body), 400).get("detail").asText();
  }

  private String importProblem(String key, String type, String body, int status) throws Exception {
    return assertProblem(api.send("POST", "/v1/suppressions/import", key, type, body), status).get("detail").asText();
  }

  private static String tenantOf(String key) {
    return api.tenants.authenticate(key).toCompletableFuture().join().orElseThrow().id();
  }
}
