package outreach.actors.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The deep-stack dispatcher runs actors on threads whose stack holds what a default one cannot. */
class DeepStackExecutorTest {

  /** Deeper than a default 1 MB stack allows for this frame. */
  private static final int DEPTH = 200_000;

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "DeepStackExecutorTest",
          ConfigFactory.parseString(
              DeepStackExecutor.DISPATCHER
                  + " { type = Dispatcher, executor = \"outreach.actors.dispatch.DeepStackExecutor\", pool-size-min = 2, pool-size-factor = 1.0,"
                  + " stack-size = 64m, throughput = 5 }"));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void anActorOnTheDeepStackDispatcherRecursesDeeperThanADefaultThreadCan() throws Exception {
    AtomicReference<String> onDefaultThread = new AtomicReference<>();
    Thread plain = new Thread(() -> onDefaultThread.set(recurse(DEPTH)));
    plain.start();
    plain.join();
    assertThat(onDefaultThread.get()).isEqualTo("stack overflow");

    TestProbe<String> probe = testKit.createTestProbe();
    ActorRef<Integer> deep =
        testKit.spawn(
            Behaviors.receiveMessage(
                depth -> {
                  probe.ref().tell(Thread.currentThread().getName() + " " + recurse(depth));
                  return Behaviors.same();
                }),
            "deep",
            DispatcherSelector.fromConfig(DeepStackExecutor.DISPATCHER));
    deep.tell(DEPTH);
    assertThat(probe.receiveMessage()).endsWith(" reached " + DEPTH).startsWith(DeepStackExecutor.DISPATCHER);
  }

  private static String recurse(int depth) {
    try {
      return "reached " + down(depth, 0);
    } catch (StackOverflowError e) {
      return "stack overflow";
    }
  }

  private static int down(int remaining, int reached) {
    return remaining == 0 ? reached : down(remaining - 1, reached + 1);
  }
}
