package outreach.app;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import java.time.Duration;
import java.util.Optional;
import outreach.persistence.campaign.CampaignDirectory;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignCommand;
import outreach.protocol.campaign.CampaignKeys;

/**
 * Keeps running campaigns alive: one daemon in the cluster that, every interval, reads the running
 * campaigns from the read side and pings each, so a campaign whose node died (and whose shard moved)
 * starts again by itself and resumes from its journal.
 */
final class CampaignKeeper {

  private static final int PAGE = 500;

  /** The keeper's messages. */
  sealed interface Command {}

  private record Tick() implements Command {}

  private record Page(CampaignDirectory.RunningPage page) implements Command {}

  private record Failed(String reason) implements Command {}

  private CampaignKeeper() {}

  static void init(ActorSystem<?> system, CampaignDirectory directory, Duration interval) {
    ShardedDaemonProcess.get(system)
        .init(
            Command.class,
            "campaign-keeper",
            1,
            i -> behavior(directory, interval),
            ShardedDaemonProcessSettings.create(system),
            Optional.empty());
  }

  private static Behavior<Command> behavior(CampaignDirectory directory, Duration interval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(new Tick(), interval);
                  ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
                  return Behaviors.receive(Command.class)
                      .onMessage(
                          Tick.class,
                          t -> {
                            ctx.pipeToSelf(
                                directory.runningCampaigns(PAGE, Optional.empty()),
                                (page, failure) -> failure == null ? new Page(page) : new Failed(failure.getMessage()));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Page.class,
                          p -> {
                            for (CampaignDirectory.CampaignRef ref : p.page().campaigns()) {
                              sharding
                                  .entityRefFor(CampaignKeys.ENTITY_KEY, EntityIds.of(ref.tenantId(), ref.campaignId()))
                                  .tell(new CampaignCommand.KeepAlive());
                            }
                            p.page()
                                .nextCursor()
                                .ifPresent(
                                    next ->
                                        ctx.pipeToSelf(
                                            directory.runningCampaigns(PAGE, Optional.of(next)),
                                            (page, failure) -> failure == null ? new Page(page) : new Failed(failure.getMessage())));
                            return Behaviors.same();
                          })
                      .onMessage(
                          Failed.class,
                          f -> {
                            ctx.getLog().warn("could not read running campaigns: {}", f.reason());
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
