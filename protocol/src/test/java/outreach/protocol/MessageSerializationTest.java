package outreach.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import outreach.protocol.account.AccountCommand;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountPool;
import outreach.protocol.account.AccountReply;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.account.AccountState;
import outreach.protocol.account.AccountStatus;
import outreach.protocol.account.SealedSecret;
import outreach.protocol.account.SecurityMode;
import outreach.protocol.account.WarmUp;

/** Every message, event, reply and state survives the cluster's serializer unchanged. */
class MessageSerializationTest {

  private static ActorTestKit testKit;
  private static TestProbe<AccountReply> replies;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    replies = testKit.createTestProbe(AccountReply.class);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static AccountSettings settings() {
    return new AccountSettings(
        "smtp.example.com",
        587,
        SecurityMode.STARTTLS,
        "user@example.com",
        new SealedSecret("0011223344556677", "bm9uY2VjaXBoZXJ0ZXh0"),
        "sales@example.com",
        "Sales Team",
        AccountPool.RESERVE,
        List.of(RateLimit.parse("10/1m"), RateLimit.parse("500/1d")),
        new WarmUp(true, 50, 50));
  }

  static Stream<Object> messages() {
    AccountState.Registered registered =
        new AccountState.Registered("t_1", "acc-1", settings(), AccountStatus.ACTIVE, Instant.parse("2026-01-02T03:04:05.123456Z"));
    return Stream.of(
        new AccountCommand.Register(settings(), replies.getRef()),
        new AccountCommand.Get(replies.getRef()),
        new AccountEvent.AccountRegistered("t_1", "acc-1", settings(), Instant.parse("2026-01-02T03:04:05Z")),
        new AccountReply.Found(registered.view()),
        new AccountReply.NotFound("acc-1"),
        new AccountReply.AlreadyExists("acc-1"),
        new AccountState.Unregistered(),
        registered);
  }

  @ParameterizedTest
  @MethodSource("messages")
  void roundTrips(Object message) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var serializer = serialization.findSerializerFor(message);
    assertThat(serializer.getClass().getSimpleName()).isEqualTo("JacksonCborSerializer");
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    assertThat(back).isEqualTo(message);
  }
}
