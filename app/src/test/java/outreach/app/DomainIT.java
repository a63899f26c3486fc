package outreach.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sending domains through the API: the DNS records to publish, listing, removal, isolation and audit. */
class DomainIT {

  private static InJvmNode node;

  @BeforeAll
  static void start() {
    node = new InJvmNode(Map.of("outreach.sending-domains.spf-include", "_spf.senders.example.com",
        "outreach.sending-domains.dmarc-reports", "dmarc@reports.example.com"));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void registersADomainWithTheRecordsToPublish() throws Exception {
    String key = node.newTenantKey("Domains");
    HttpResponse<String> created = node.call("POST", "/v1/domains", key, "{\"domain\":\"Mail.Acme-Corp.com.\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode body = node.json(created);
    assertThat(body.get("domain").asText()).isEqualTo("mail.acme-corp.com");
    JsonNode records = body.get("records");
    assertThat(records.get(0).get("purpose").asText()).isEqualTo("spf");
    assertThat(records.get(0).get("value").asText()).isEqualTo("v=spf1 include:_spf.senders.example.com ~all");
    assertThat(records.get(1).get("name").asText()).isEqualTo("_dmarc.mail.acme-corp.com");
    assertThat(records.get(1).get("value").asText()).isEqualTo("v=DMARC1; p=none; rua=mailto:dmarc@reports.example.com");
    assertThat(records.get(2).get("purpose").asText()).isEqualTo("dkim");
    assertThat(records.get(2).has("value")).isFalse();

    assertThat(node.call("POST", "/v1/domains", key, "{\"domain\":\"mail.acme-corp.com\"}").statusCode()).isEqualTo(409);
    assertThat(node.json(node.call("GET", "/v1/domains/mail.acme-corp.com", key, null))).isEqualTo(body);
    await().atMost(Duration.ofSeconds(15)).until(() ->
        node.json(node.call("GET", "/v1/domains", key, null)).get("items").size() == 1);

    String other = node.newTenantKey("Other");
    assertThat(node.call("GET", "/v1/domains/mail.acme-corp.com", other, null).statusCode()).isEqualTo(404);
    assertThat(node.call("DELETE", "/v1/domains/mail.acme-corp.com", other, null).statusCode()).isEqualTo(404);
    assertThat(node.json(node.call("GET", "/v1/domains", other, null)).get("items")).isEmpty();

    JsonNode audit = node.json(node.call("GET", "/v1/audit/sending-domain/mail.acme-corp.com/events", key, null));
    assertThat(audit.get("items").get(0).get("type").asText()).isEqualTo("SendingDomainRegistered");

    assertThat(node.call("DELETE", "/v1/domains/mail.acme-corp.com", key, null).statusCode()).isEqualTo(204);
    assertThat(node.call("GET", "/v1/domains/mail.acme-corp.com", key, null).statusCode()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(15)).until(() ->
        node.json(node.call("GET", "/v1/domains", key, null)).get("items").isEmpty());
    // Registering it again after removal is allowed.
    assertThat(node.call("POST", "/v1/domains", key, "{\"domain\":\"mail.acme-corp.com\"}").statusCode()).isEqualTo(201);
  }

  @Test
  void refusesWhatIsNotADomainName() throws Exception {
    String key = node.newTenantKey("Bad");
    for (String bad : new String[] {"", "localhost", "10.0.0.1", "a b.com", "-x.example.com", "x..example.com", "example.com/x"}) {
      HttpResponse<String> r = node.call("POST", "/v1/domains", key, "{\"domain\":\"" + bad + "\"}");
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
    }
    assertThat(node.call("POST", "/v1/domains", null, "{\"domain\":\"mail.example.com\"}").statusCode()).isEqualTo(401);
  }
}
