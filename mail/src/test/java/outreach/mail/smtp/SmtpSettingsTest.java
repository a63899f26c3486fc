package outreach.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SmtpSettingsTest {

  private static SmtpSettings settings(TransportSecurity security, boolean trustAll) {
    return new SmtpSettings(
        "smtp.acme.com", 587, security, Optional.of("ann@acme.com"), "s3cret-pa55",
        Duration.ofSeconds(10), Duration.ofSeconds(30), Optional.of("mta1.acme.com"), trustAll);
  }

  @Test
  void thePasswordNeverAppearsInToString() {
    SmtpSettings s = settings(TransportSecurity.STARTTLS, false);

    assertThat(s.toString()).doesNotContain("s3cret-pa55").contains("password=***", "smtp.acme.com", "ann@acme.com");
  }

  @Test
  void startTlsIsRequiredAndCertificatesAreChecked() {
    Properties p = SmtpConnection.properties(settings(TransportSecurity.STARTTLS, false));

    assertThat(p.getProperty("mail.smtp.starttls.enable")).isEqualTo("true");
    assertThat(p.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
    assertThat(p.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
    assertThat(p.getProperty("mail.smtp.ssl.trust")).isNull();
    assertThat(p.getProperty("mail.smtp.ssl.enable")).isNull();
  }

  @Test
  void tlsFromTheFirstByteChecksCertificatesToo() {
    Properties p = SmtpConnection.properties(settings(TransportSecurity.TLS, false));

    assertThat(p.getProperty("mail.smtp.ssl.enable")).isEqualTo("true");
    assertThat(p.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
    assertThat(p.getProperty("mail.smtp.starttls.enable")).isNull();
    assertThat(p.getProperty("mail.smtp.ssl.trust")).isNull();
  }

  @Test
  void onlyTheTestFlagTrustsEveryCertificate() {
    Properties p = SmtpConnection.properties(settings(TransportSecurity.STARTTLS, true));

    assertThat(p.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("false");
    assertThat(p.getProperty("mail.smtp.ssl.trust")).isEqualTo("*");
    assertThat(p.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
  }

  @Test
  void theEightArgumentConstructorChecksCertificates() {
    Duration second = Duration.ofSeconds(1);
    SmtpSettings s =
        new SmtpSettings("smtp.acme.com", 465, TransportSecurity.TLS, Optional.empty(), "", second, second, Optional.empty());

    assertThat(s.trustAllCertificates()).isFalse();
  }

  @Test
  void timeoutsLoginAndHostNameBecomeSessionProperties() {
    Properties p = SmtpConnection.properties(settings(TransportSecurity.STARTTLS, false));

    assertThat(p.getProperty("mail.smtp.connectiontimeout")).isEqualTo("10000");
    assertThat(p.getProperty("mail.smtp.timeout")).isEqualTo("30000");
    assertThat(p.getProperty("mail.smtp.writetimeout")).isEqualTo("30000");
    assertThat(p.get("mail.smtp.executor.writetimeout")).as("one scheduler for every session").isSameAs(
        SmtpConnection.properties(settings(TransportSecurity.TLS, true)).get("mail.smtp.executor.writetimeout"));
    assertThat(p.getProperty("mail.smtp.auth")).isEqualTo("true");
    assertThat(p.getProperty("mail.smtp.localhost")).isEqualTo("mta1.acme.com");
    assertThat(p.values()).doesNotContain("s3cret-pa55");
  }

  @Test
  void withoutAUsernameThereIsNoLogin() {
    Duration second = Duration.ofSeconds(1);
    SmtpSettings s =
        new SmtpSettings("localhost", 25, TransportSecurity.NONE, Optional.empty(), "", second, second, Optional.empty());

    Properties p = SmtpConnection.properties(s);

    assertThat(p.getProperty("mail.smtp.auth")).isEqualTo("false");
    assertThat(p.getProperty("mail.smtp.ssl.checkserveridentity")).isNull();
  }

  @Test
  void nonsenseIsRefused() {
    assertThatThrownBy(() -> plain("smtp.acme.com\r\nRCPT", 25, Optional.empty(), "", Duration.ofSeconds(1), Optional.empty()))
        .hasMessageStartingWith("not a host name");
    assertThatThrownBy(() -> plain("smtp.acme.com", 0, Optional.empty(), "", Duration.ofSeconds(1), Optional.empty()))
        .hasMessage("not a port: 0");
    assertThatThrownBy(() -> plain("smtp.acme.com", 25, Optional.empty(), "pw", Duration.ofSeconds(1), Optional.empty()))
        .hasMessage("a password needs a username");
    assertThatThrownBy(() -> plain("smtp.acme.com", 25, Optional.of("a\nb"), "pw", Duration.ofSeconds(1), Optional.empty()))
        .hasMessage("the username is empty or holds control characters");
    assertThatThrownBy(() -> plain("smtp.acme.com", 25, Optional.empty(), "", Duration.ZERO, Optional.empty()))
        .hasMessageStartingWith("connectTimeout must be positive");
    assertThatThrownBy(
            () -> plain("smtp.acme.com", 25, Optional.empty(), "", Duration.ofSeconds(1), Optional.of("me\r\nMAIL FROM:<x@y.z>")))
        .hasMessageStartingWith("not a host name for EHLO");
  }

  private static SmtpSettings plain(
      String host, int port, Optional<String> username, String password, Duration connectTimeout, Optional<String> ehlo) {
    return new SmtpSettings(host, port, TransportSecurity.NONE, username, password, connectTimeout, Duration.ofSeconds(1), ehlo);
  }
}
