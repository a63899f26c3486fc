package outreach.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Through the HTTP API alone, a campaign of 200 recipients over 5 accounts against a real SMTP
 * server (GreenMail in the JVM): every recipient arrives once, no account exceeds its limit, every
 * message carries the headers the design requires, and a one-click unsubscribe suppresses.
 */
class SendingIT {

  private static final int ACCOUNTS = 5;
  private static final int DAILY_LIMIT = 40;
  private static final int RECIPIENTS = ACCOUNTS * DAILY_LIMIT;
  private static final int DOMAINS = 20;

  private static GreenMail smtp;
  private static InJvmNode node;

  @BeforeAll
  static void start() {
    smtp = new GreenMail(new ServerSetup(InJvmNode.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    smtp.start();
    node = new InJvmNode(Map.of("outreach.global-limit", "off", "outreach.public-url", "https://links.example.com"));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    if (smtp != null) smtp.stop();
  }

  @Test
  void deliversEveryRecipientOnceWithinEveryLimitAndHonoursOneClickUnsubscribe() throws Exception {
    String key = node.newTenantKey("Sending");
    List<String> accounts = new java.util.ArrayList<>();
    for (int i = 1; i <= ACCOUNTS; i++) {
      String id = "box-" + i;
      accounts.add("\"" + id + "\"");
      HttpResponse<String> r =
          node.call("POST", "/v1/accounts", key,
              "{\"id\":\"" + id + "\",\"host\":\"127.0.0.1\",\"port\":" + smtp.getSmtp().getPort()
                  + ",\"security\":\"none\",\"username\":\"" + id + "\",\"password\":\"pw\",\"fromAddress\":\"" + id
                  + "@sender.example.com\",\"fromName\":\"Sales " + i + "\",\"limits\":[\"" + DAILY_LIMIT + "/1d\"],"
                  + "\"warmUp\":{\"enabled\":false}}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    HttpResponse<String> created =
        node.call("POST", "/v1/campaigns", key,
            "{\"id\":\"launch\",\"name\":\"Launch\",\"subject\":\"Hello {name}\",\"text\":\"Hi {name} from {company}\","
                + "\"html\":\"<p>Hi {name}</p>\",\"accounts\":[" + String.join(",", accounts) + "],"
                + "\"footer\":{\"address\":\"Acme Inc., 1 Main St, Springfield\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    StringBuilder csv = new StringBuilder("email,name,company\r\n");
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < RECIPIENTS; i++) {
      String email = "person" + i + "@domain" + (i % DOMAINS) + ".example.com";
      expected.add(email);
      csv.append(email).append(",Person ").append(i).append(",\"Company, ").append(i).append("\"\r\n");
    }
    HttpResponse<String> upload = node.send("POST", "/v1/campaigns/launch/recipients", key, "text/csv", csv.toString());
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
    assertThat(node.json(upload).get("accepted").asInt()).isEqualTo(RECIPIENTS);

    assertThat(node.call("POST", "/v1/campaigns/launch/start", key, null).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
      JsonNode c = node.json(node.call("GET", "/v1/campaigns/launch", key, null));
      return c.get("status").asText().equals("completed");
    });
    JsonNode campaign = node.json(node.call("GET", "/v1/campaigns/launch", key, null));
    assertThat(campaign.get("counts").get("sent").asInt()).isEqualTo(RECIPIENTS);

    // Only this test's accounts: the server is shared with the other tests of the class.
    MimeMessage[] received =
        java.util.Arrays.stream(smtp.getReceivedMessages()).filter(SendingIT::fromSenderDomain).toArray(MimeMessage[]::new);
    Map<String, Integer> perAccount = new HashMap<>();
    Set<String> messageIds = new HashSet<>();
    Set<String> recipients = new HashSet<>();
    for (MimeMessage m : received) {
      String from = ((InternetAddress) m.getFrom()[0]).getAddress();
      perAccount.merge(from, 1, Integer::sum);
      assertThat(messageIds.add(m.getMessageID())).as("Message-ID received once: %s", m.getMessageID()).isTrue();
      assertThat(recipients.add(((InternetAddress) m.getRecipients(Message.RecipientType.TO)[0]).getAddress())).isTrue();
      assertThat(m.getHeader("List-Unsubscribe")[0]).contains("<https://links.example.com/u/").contains("<mailto:");
      assertThat(m.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
      assertThat(m.getSentDate()).isNotNull();
      assertThat(m.getContentType()).startsWith("multipart/alternative");
    }
    assertThat(recipients).isEqualTo(expected);
    assertThat(received).hasSize(RECIPIENTS);
    assertThat(perAccount).hasSize(ACCOUNTS).allSatisfy((account, n) -> assertThat(n).isLessThanOrEqualTo(DAILY_LIMIT));

    // One-click unsubscribe (RFC 8058) from the first message's header, as a mail client would do it.
    MimeMessage first = received[0];
    String to = ((InternetAddress) first.getRecipients(Message.RecipientType.TO)[0]).getAddress();
    Matcher url = Pattern.compile("<https://links\\.example\\.com(/u/[^>]+)>").matcher(first.getHeader("List-Unsubscribe")[0]);
    assertThat(url.find()).isTrue();
    HttpResponse<String> unsubscribed =
        node.http.send(
            HttpRequest.newBuilder(URI.create(node.base + url.group(1)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsubscribed.statusCode()).isEqualTo(200);
    try (Connection c = node.db(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT reason FROM suppression WHERE email_key = '" + to.toLowerCase() + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("unsubscribed");
    }
    // A forged token is refused and suppresses nothing.
    String forged = url.group(1).substring(0, url.group(1).length() - 2) + (url.group(1).endsWith("AA") ? "BB" : "AA");
    HttpResponse<String> refused =
        node.http.send(
            HttpRequest.newBuilder(URI.create(node.base + forged))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(404);

    // The unsubscribed address is skipped when a later campaign of the tenant uploads it.
    node.call("POST", "/v1/campaigns", key,
        "{\"id\":\"followup\",\"name\":\"Follow-up\",\"subject\":\"Again\",\"text\":\"Hi\",\"accounts\":[\"box-1\"],"
            + "\"footer\":{\"address\":\"Acme Inc., 1 Main St, Springfield\"}}");
    HttpResponse<String> again = node.send("POST", "/v1/campaigns/followup/recipients", key, "text/csv", "email\n" + to + "\n");
    assertThat(node.json(again).get("suppressed").asInt()).isEqualTo(1);
    assertThat(node.json(again).get("accepted").asInt()).isZero();
  }

  @Test
  void aWarmingAccountStaysWithinItsDayCap() throws Exception {
    String key = node.newTenantKey("WarmUp");
    HttpResponse<String> account =
        node.call("POST", "/v1/accounts", key,
            "{\"id\":\"fresh\",\"host\":\"127.0.0.1\",\"port\":" + smtp.getSmtp().getPort()
                + ",\"security\":\"none\",\"username\":\"fresh\",\"password\":\"pw\",\"fromAddress\":\"fresh@warm.example.com\","
                + "\"limits\":[\"100/1m\",\"500/1d\"],\"warmUp\":{\"enabled\":true,\"startPerDay\":5,\"stepPerDay\":5}}");
    assertThat(account.statusCode()).as(account.body()).isEqualTo(201);
    assertThat(node.json(account).get("dailyCap").asInt()).isEqualTo(5);
    node.call("POST", "/v1/campaigns", key,
        "{\"id\":\"warm\",\"name\":\"Warm\",\"subject\":\"Hi\",\"text\":\"Hello\",\"accounts\":[\"fresh\"],"
            + "\"footer\":{\"address\":\"Acme Inc., 1 Main St, Springfield\"}}");
    StringBuilder csv = new StringBuilder("email\n");
    for (int i = 0; i < 8; i++) csv.append("warm").append(i).append("@w").append(i).append(".example.com\n");
    assertThat(node.send("POST", "/v1/campaigns/warm/recipients", key, "text/csv", csv.toString()).statusCode()).isEqualTo(200);
    assertThat(node.call("POST", "/v1/campaigns/warm/start", key, null).statusCode()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(30)).until(() -> {
      JsonNode c = node.json(node.call("GET", "/v1/campaigns/warm", key, null));
      return c.get("counts").get("sent").asInt() == 5 && c.get("counts").get("inFlight").asInt() == 0;
    });
    JsonNode c = node.json(node.call("GET", "/v1/campaigns/warm", key, null));
    assertThat(c.get("status").asText()).isEqualTo("running");
    assertThat(c.get("counts").get("pending").asInt()).isEqualTo(3);
    long fromFresh = java.util.Arrays.stream(smtp.getReceivedMessages())
        .filter(m -> {
          try {
            return ((InternetAddress) m.getFrom()[0]).getAddress().equals("fresh@warm.example.com");
          } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
          }
        })
        .count();
    assertThat(fromFresh).isEqualTo(5);
    JsonNode view = node.json(node.call("GET", "/v1/accounts/fresh", key, null));
    assertThat(view.get("sentToday").asInt()).isEqualTo(5);
  }

  private static boolean fromSenderDomain(MimeMessage m) {
    try {
      return ((InternetAddress) m.getFrom()[0]).getAddress().endsWith("@sender.example.com");
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
