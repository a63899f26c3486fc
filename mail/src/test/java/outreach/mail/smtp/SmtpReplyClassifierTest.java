package outreach.mail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real replies from Gmail, Outlook/Exchange Online, Yahoo, Postfix and Exim. */
class SmtpReplyClassifierTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiterString = " => ",
      textBlock =
          """
          gmail => 250 2.0.0 OK  1700000000 a1-20020a170906000000b009a1si123456ejc.123 - gsmtp => SUCCESS
          gmail => 550-5.1.1 The email account that you tried to reach does not exist. Please try\\n550-5.1.1 double-checking the recipient's email address for typos or\\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp => RECIPIENT_HARD
          gmail => 550 5.2.1 The email account that you tried to reach is disabled. a1si123 - gsmtp => RECIPIENT_HARD
          gmail => 452-4.2.2 The email account that you tried to reach is over quota. Please direct\\n452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp => RECIPIENT_SOFT
          gmail => 552-5.2.2 The email account that you tried to reach is over quota and inactive. => RECIPIENT_SOFT
          gmail => 421-4.7.0 [203.0.113.7] Our system has detected an unusual rate of\\n421-4.7.0 unsolicited mail originating from your IP address. => POLICY
          gmail => 550-5.7.1 [203.0.113.7] Our system has detected that this message is\\n550 5.7.1 likely unsolicited mail. => POLICY
          gmail => 550-5.7.26 This mail is unauthenticated, which poses a security risk to the\\n550 5.7.26 sender and Gmail users => POLICY
          gmail => 451-4.3.0 Mail server temporarily rejected message. a1si - gsmtp => TRANSIENT
          gmail => 535-5.7.8 Username and Password not accepted. For more information, go to\\n535 5.7.8 https://support.google.com/mail/?p=BadCredentials => AUTHENTICATION
          gmail => 534-5.7.9 Application-specific password required. Learn more at\\n534 5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor => AUTHENTICATION
          gmail => 552-5.3.4 Your message exceeded Google's message size limits. => MESSAGE_REJECTED
          outlook => 550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM0EUR02FT011.eop-EUR02.prod.protection.outlook.com] => RECIPIENT_HARD
          outlook => 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup => RECIPIENT_HARD
          outlook => 550 5.4.1 Recipient address rejected: Access denied. AS(201806281) => RECIPIENT_HARD
          outlook => 451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) => POLICY
          outlook => 550 5.7.1 Unfortunately, messages from [203.0.113.7] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). => POLICY
          outlook => 554 5.6.211 Invalid MIME Content: Single text value size (32004) exceeded allowed maximum (32000) => MESSAGE_REJECTED
          outlook => 452 4.5.3 Too many recipients => TRANSIENT
          outlook => 535 5.7.3 Authentication unsuccessful => AUTHENTICATION
          yahoo => 554 delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0] - mta1234.mail.gq1.yahoo.com => RECIPIENT_HARD
          yahoo => 421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1 => POLICY
          yahoo => 553 5.7.2 [TSS09] All messages from 203.0.113.7 will be permanently deferred; Retrying will NOT succeed. => POLICY
          yahoo => 452 4.2.2 Mailbox over quota => RECIPIENT_SOFT
          postfix => 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table => RECIPIENT_HARD
          postfix => 450 4.2.0 <someone@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html => TRANSIENT
          postfix => 554 5.7.1 <someone@example.net>: Relay access denied => POLICY
          postfix => 452 4.3.1 Insufficient system storage => TRANSIENT
          postfix => 421 4.3.2 Service shutting down => POLICY
          postfix => 552 5.3.4 Message size exceeds fixed limit => MESSAGE_REJECTED
          postfix => 450 4.1.8 <bounce@sender.example>: Sender address rejected: Domain not found => POLICY
          postfix => 550 5.1.2 <someone@no-such-domain.example>: Recipient address rejected: Domain not found => RECIPIENT_HARD
          postfix => 530 5.7.0 Must issue a STARTTLS command first => AUTHENTICATION
          exim => 550 Unrouteable address => RECIPIENT_HARD
          exim => 550 No Such User Here => RECIPIENT_HARD
          exim => 451 Temporary local problem - please try later => TRANSIENT
          exim => 550 Administrative prohibition => POLICY
          exim => 421 Too many concurrent SMTP connections from this IP address; please try again later. => POLICY
          exim => 535 Incorrect authentication data => AUTHENTICATION
          exim => 552 Message size exceeds maximum permitted => MESSAGE_REJECTED
          """)
  void classifies(String provider, String raw, SmtpReplyClass expected) {
    SmtpReply reply = SmtpReply.parse(raw.replace("\\n", "\r\n")).orElseThrow();
    assertThat(SmtpReplyClassifier.classify(reply)).as(provider + ": " + reply).isEqualTo(expected);
  }
}
