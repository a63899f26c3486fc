package outreach.protocol.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CampaignEventBatchTest {

  private static final Instant T = Instant.parse("2026-03-01T09:00:00Z");

  private static List<CampaignEvent> dispatches(int n) {
    List<CampaignEvent> events = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      events.add(new CampaignEvent.RecipientDispatched(i, "r" + i + "@x.org", Map.of(), "<m" + i + "@x>", "a" + i, 1, false, T, T.plusSeconds(i)));
    }
    return events;
  }

  @Test
  void aSingleEventIsWrittenAsItIs() {
    List<CampaignEvent> one = dispatches(1);
    assertThat(CampaignEvent.batched(one)).containsExactlyElementsOf(one);
    assertThat(CampaignEvent.batched(List.of())).isEmpty();
  }

  @Test
  void severalEventsAreOneEntryThatGivesThemBackInOrder() {
    List<CampaignEvent> events = dispatches(3);
    List<CampaignEvent> entries = CampaignEvent.batched(events);
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0)).isInstanceOf(CampaignEvent.Batch.class);
    assertThat(entries.get(0).at()).isEqualTo(T.plusSeconds(3));
    assertThat(CampaignEvent.each(entries.get(0))).containsExactlyElementsOf(events);
  }

  @Test
  void aLargeRoundIsSplitIntoBatchesOfAtMostTheMaximum() {
    List<CampaignEvent> events = dispatches(2 * CampaignEvent.MAX_BATCH + 1);
    List<CampaignEvent> entries = CampaignEvent.batched(events);
    assertThat(entries).hasSize(3);
    assertThat(CampaignEvent.each(entries.get(0))).hasSize(CampaignEvent.MAX_BATCH);
    assertThat(CampaignEvent.each(entries.get(1))).hasSize(CampaignEvent.MAX_BATCH);
    // The one left over is written on its own, not as a batch of one.
    assertThat(entries.get(2)).isEqualTo(events.get(events.size() - 1));
    assertThat(entries.stream().flatMap(e -> CampaignEvent.each(e).stream()).toList()).containsExactlyElementsOf(events);
  }

  @Test
  void aBatchIsNeitherEmptyNorNestedNorHoldsTheCampaignsDefinition() {
    assertThatThrownBy(() -> new CampaignEvent.Batch(List.of(), T)).isInstanceOf(IllegalArgumentException.class);
    CampaignEvent.Batch inner = new CampaignEvent.Batch(dispatches(2), T);
    assertThatThrownBy(() -> new CampaignEvent.Batch(List.of(inner), T)).hasMessageContaining("Batch");
    assertThatThrownBy(() -> new CampaignEvent.Batch(List.of(new CampaignEvent.CampaignDeleted(T)), T))
        .hasMessageContaining("CampaignDeleted");
    assertThat(new CampaignEvent.Batch(List.of(new CampaignEvent.CampaignPaused(Optional.empty(), T)), T).events()).hasSize(1);
  }
}
