package outreach.protocol.campaign;

import java.time.Instant;
import java.util.Optional;
import outreach.protocol.CborSerializable;

/** A campaign as callers see it. */
public record CampaignView(
    String tenantId,
    String campaignId,
    CampaignSpec spec,
    CampaignStatus status,
    Optional<String> pausedReason,
    CampaignCounts counts,
    Instant createdAt)
    implements CborSerializable {}
