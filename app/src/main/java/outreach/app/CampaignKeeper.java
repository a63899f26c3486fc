package outreach.app;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import outreach.persistence.campaign.CampaignDirectory;
import outreach.protocol.EntityIds;
import outreach.protocol.campaign.CampaignCommand;
import outreach.protocol.campaign.CampaignKeys;

/**
 * Keeps running campaigns alive: one daemon in the cluster that reads the running campaigns from the
 * read side and pings each, so a campaign whose node died (and whose shard moved) starts again by itself
 * and resumes from its journal. It does so when it starts, every interval, and shortly after a node has
 * been removed from the cluster: once the removal margin has passed, the removed node's shards can
 * start elsewhere, and the campaigns it hosted should not wait for the next interval.
 */
final class CampaignKeeper {

  private static final int PAGE = 500;

  /** The keeper's messages. */
  sealed interface Command {}

  private record Tick() implements Command {}

  private record NodeRemoved(ClusterEvent.MemberRemoved event) implements Command {}

  private record Page(CampaignDirectory.RunningPage page) implements Command {}

  private record Failed(String reason) implements Command {}

  private CampaignKeeper() {}

  /** How long after a removal's margin the campaigns are woken: the shard coordinator needs a moment. */
  private static final Duration AFTER_REMOVAL = Duration.ofMillis(500);

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

  /** The split brain resolver's removal margin: down-removal-margin, or stable-after when that is off. */
  static Duration removalMargin(Config config) {
    String margin = config.getString("akka.cluster.down-removal-margin");
    return margin.equals("off")
        ? config.getDuration("akka.cluster.split-brain-resolver.stable-after")
        : config.getDuration("akka.cluster.down-removal-margin");
  }

  private static Behavior<Command> behavior(CampaignDirectory directory, Duration interval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(new Tick(), interval);
                  ctx.getSelf().tell(new Tick());
                  Cluster.get(ctx.getSystem())
                      .subscriptions()
                      .tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.MemberRemoved.class, NodeRemoved::new), ClusterEvent.MemberRemoved.class));
                  Duration margin = removalMargin(ctx.getSystem().settings().config());
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
                          NodeRemoved.class,
                          r -> {
                            ctx.getLog().info("{} was removed: waking the running campaigns in {}", r.event().member().address(), margin.plus(AFTER_REMOVAL));
                            timers.startSingleTimer("after-removal", new Tick(), margin.plus(AFTER_REMOVAL));
                            // Once more a little later, in case the first ping reached a shard region that had not yet
                            // heard from its coordinator that the removed node's shards are free.
                            timers.startSingleTimer("after-removal-again", new Tick(), margin.plus(AFTER_REMOVAL.multipliedBy(5)));
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
