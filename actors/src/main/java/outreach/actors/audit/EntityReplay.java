package outreach.actors.audit;

import java.util.List;
import outreach.actors.account.AccountPolicy;
import outreach.actors.account.SmtpAccount;
import outreach.actors.campaign.Campaign;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountState;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignState;
import outreach.actors.sending.SendingDomain;
import outreach.protocol.sending.SendingDomainEvent;
import outreach.protocol.sending.SendingDomainState;

/** Replays journals with the entities' own event handlers (the same code that folds them in the cluster). */
public final class EntityReplay {

  private final AccountPolicy accountPolicy;

  public EntityReplay(AccountPolicy accountPolicy) {
    this.accountPolicy = accountPolicy;
  }

  public AccountState account(List<?> events) {
    AccountState state = new AccountState.Unregistered();
    for (Object e : events) state = SmtpAccount.apply(accountPolicy, state, (AccountEvent) e);
    return state;
  }

  public SendingDomainState sendingDomain(List<?> events) {
    SendingDomainState state = new SendingDomainState.Absent();
    for (Object e : events) state = SendingDomain.apply(state, (SendingDomainEvent) e);
    return state;
  }

  public CampaignState campaign(List<?> events) {
    CampaignState state = new CampaignState.Empty();
    for (Object e : events) state = Campaign.apply(state, (CampaignEvent) e);
    return state;
  }
}
