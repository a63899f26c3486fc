package outreach.protocol.account;

import akka.actor.typed.ActorRef;
import java.time.Instant;
import java.util.Optional;
import outreach.protocol.CborSerializable;
import outreach.protocol.delivery.RenderedMessage;

/** Commands to the SmtpAccount entity. Not sealed: the entity adds its own internal messages. */
public interface AccountCommand extends CborSerializable {

  /**
   * Create the account with these settings; {@code timeZone} (IANA) is the tenant's, whose calendar
   * days {@code /1d} limits count. Answered {@link AccountReply.Found} or {@link AccountReply.AlreadyExists}.
   */
  record Register(AccountSettings settings, String timeZone, ActorRef<AccountReply> replyTo) implements AccountCommand {}

  /** Show the account; answered {@link AccountReply.Found} or {@link AccountReply.NotFound}. */
  record Get(ActorRef<AccountReply> replyTo) implements AccountCommand {}

  /**
   * Send one message if every limit allows it now. The permit is persisted before the SMTP
   * transaction starts; answered with a {@link SendReply} once the transaction has ended, or at
   * once when the account is throttled or unavailable. A send whose turn comes after {@code startBy}
   * is handed back throttled, unsent: the permits it carries were granted for a send by then.
   */
  record Send(RenderedMessage message, Instant startBy, ActorRef<SendReply> replyTo) implements AccountCommand {}

  /**
   * What became of a message this account was asked to send. A message that never started is withdrawn
   * as well: from then on the account refuses every {@link Send} of it whose {@code startBy} is at or
   * before {@code withdrawUpTo} (recorded as {@link AccountEvent.SendWithdrawn}), so a send that was
   * held up on its way (a shard hand-off) cannot start after the campaign has tried the message again
   * under new permits. A send asked for after this query carries a later {@code startBy} and is not affected.
   */
  record QuerySend(String messageId, Instant withdrawUpTo, ActorRef<SendStatus> replyTo) implements AccountCommand {}

  /** Stop sending until {@code until} (or until resumed); answered with the account. */
  record Pause(Optional<Instant> until, String reason, ActorRef<AccountReply> replyTo) implements AccountCommand {}

  /** Send again: clears a pause, a disablement and the failure count; answered with the account. */
  record Resume(ActorRef<AccountReply> replyTo) implements AccountCommand {}

  /**
   * Change the account's settings: the fields of {@code change} that are present replace the current
   * ones. A disabled account whose host or credentials change becomes active again. Answered
   * {@link AccountReply.Found} or {@link AccountReply.NotFound}.
   */
  record UpdateSettings(AccountSettingsChange change, ActorRef<AccountReply> replyTo) implements AccountCommand {}

  /** Stop sending until resumed or until the settings change; answered with the account. */
  record Disable(String reason, ActorRef<AccountReply> replyTo) implements AccountCommand {}

  /**
   * Delete the account: it sends nothing more and is not found afterwards; its journal stays for
   * audit. Answered {@link AccountReply.Deleted} or {@link AccountReply.NotFound}.
   */
  record Delete(ActorRef<AccountReply> replyTo) implements AccountCommand {}
}
