package outreach.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

  @Test
  void parsesMultiLineRepliesIntoOneText() {
    SmtpReply r = SmtpReply.parse("550-5.1.1 The email account that you tried to reach does not exist.\r\n550 5.1.1 Please check.").orElseThrow();
    assertThat(r.code()).isEqualTo(550);
    assertThat(r.enhanced()).contains("5.1.1");
    assertThat(r.text()).isEqualTo("The email account that you tried to reach does not exist. Please check.");
  }

  @Test
  void enhancedCodeIsOptionalAndMustMatchTheClass() {
    assertThat(SmtpReply.parse("550 No Such User Here").orElseThrow().enhanced()).isEmpty();
    assertThat(SmtpReply.parse("550 4.16.55.1 odd").orElseThrow().enhanced()).isEmpty();
    assertThat(SmtpReply.parse("421 4.7.0 slow down").orElseThrow().enhanced()).contains("4.7.0");
  }

  @Test
  void notAReply() {
    assertThat(SmtpReply.parse("Connection refused")).isEqualTo(Optional.empty());
    assertThat(SmtpReply.parse(null)).isEmpty();
    assertThat(SmtpReply.parse("999 what")).isEmpty();
  }

  @Test
  void classesSayWhatToDo() {
    assertThat(SmtpReplyClass.RECIPIENT_HARD.retryable()).isFalse();
    assertThat(SmtpReplyClass.RECIPIENT_HARD.accountLevel()).isFalse();
    assertThat(SmtpReplyClass.POLICY.accountLevel()).isTrue();
    assertThat(SmtpReplyClass.CONNECTION.retryable()).isTrue();
    assertThat(SmtpReplyClass.AUTHENTICATION.retryable()).isFalse();
  }
}
