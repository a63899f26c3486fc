package outreach.http;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import java.util.function.Supplier;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Metric;
import kamon.metric.Timer;
import kamon.tag.TagSet;

/** Counts API requests and times them by method and status class (low-cardinality tags only). */
final class RequestMetrics extends AllDirectives {

  private final Metric.Counter requests = Kamon.counter("outreach.http.requests", "HTTP requests answered");
  private final Metric.Timer latency = Kamon.timer("outreach.http.request.time", "HTTP request latency");

  Route measured(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          String method = request.method().name();
          return mapResponse(
              response -> {
                TagSet tags = TagSet.builder().add("method", method).add("status", response.status().intValue() / 100 + "xx").build();
                Counter counter = requests.withTags(tags);
                counter.increment();
                Timer timer = latency.withTags(tags);
                timer.record(System.nanoTime() - start);
                return response;
              },
              inner);
        });
  }
}
