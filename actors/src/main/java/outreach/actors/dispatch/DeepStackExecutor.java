package outreach.actors.dispatch;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor of {@value #DISPATCHER}, where the entities that many others talk to run (campaigns, quotas,
 * recipient domains): a fixed pool of threads with a deep stack ({@code stack-size}).
 *
 * <p>While such an entity writes an event, the commands that arrive wait in its stash (for a campaign, the
 * outcomes of its sends; for the global quota, every send's settlement). Akka
 * 2.8 then handles the stash with one level of recursion per command that writes nothing (akka/akka#29933, fixed
 * in later versions); a default 1 MB thread stack runs out at around a thousand. A campaign with 1,200 sends in
 * flight can find that many outcomes there after a slow write: a node died of a StackOverflowError in a
 * three-node throughput run. The stash is bounded ({@code
 * akka.persistence.typed.stash-capacity}), so a stack sized for it ends the problem; the memory is reserved, and
 * only what a thread touches is used.
 */
public final class DeepStackExecutor extends ExecutorServiceConfigurator {

  /** The dispatcher's configuration path. */
  public static final String DISPATCHER = "outreach.deep-stack-dispatcher";

  private final int poolSize;
  private final long stackSize;

  public DeepStackExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    int min = config.getInt("pool-size-min");
    double factor = config.getDouble("pool-size-factor");
    if (min < 1 || factor <= 0) throw new IllegalArgumentException("pool-size-min must be at least 1 and pool-size-factor above 0");
    this.poolSize = Math.max(min, (int) Math.ceil(Runtime.getRuntime().availableProcessors() * factor));
    this.stackSize = config.getBytes("stack-size");
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory unused) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory deep =
        runnable -> {
          Thread t = new Thread(null, runnable, id + "-" + count.incrementAndGet(), stackSize);
          t.setDaemon(true);
          return t;
        };
    return () -> new ThreadPoolExecutor(poolSize, poolSize, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), deep);
  }
}
