package outreach.app.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A small JSON client over {@link HttpClient}: GET and POST with an optional bearer token, answering status,
 * raw body and parsed JSON. It remembers every response so a test can assert something about all of them
 * (for example that a secret never appears).
 */
public final class HttpJson {

  /** One HTTP answer; {@code json} is null when the body is empty or not JSON. */
  public record Response(String method, URI uri, int status, String contentType, String body, JsonNode json) {

    /** The parsed body, failing with the whole response in the message when there is none. */
    public JsonNode requireJson() {
      if (json == null) throw new AssertionError("expected a JSON body: " + this);
      return json;
    }

    @Override
    public String toString() {
      String shown = body.length() > 2_000 ? body.substring(0, 2_000) + "..." : body;
      return method + " " + uri + " -> " + status + " " + contentType + " " + shown;
    }
  }

  public static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient client;
  private final Duration requestTimeout;
  private final boolean keepHistory;
  private final ConcurrentLinkedQueue<Response> history = new ConcurrentLinkedQueue<>();

  /** A client with a 15 s request timeout that remembers every response. */
  public HttpJson() {
    this(Duration.ofSeconds(15), true);
  }

  public HttpJson(Duration requestTimeout, boolean keepHistory) {
    this.requestTimeout = requestTimeout;
    this.keepHistory = keepHistory;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public Response get(URI uri, String bearer) {
    return send(request(uri, bearer, requestTimeout).GET().build());
  }

  public Response post(URI uri, String bearer, Object body) {
    return send(
        request(uri, bearer, requestTimeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(toJson(body)))
            .build());
  }

  /** POST of a body that is not JSON (a CSV upload, say) with the given content type. */
  public Response post(URI uri, String bearer, String contentType, String body) {
    return send(
        request(uri, bearer, requestTimeout)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** A GET that does not block; completes exceptionally on connection errors and after {@code timeout}. */
  public CompletableFuture<Response> getAsync(URI uri, String bearer, Duration timeout) {
    HttpRequest request = request(uri, bearer, timeout).GET().build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> record(request, r));
  }

  /** Every response received so far, oldest first. */
  public List<Response> history() {
    return new ArrayList<>(history);
  }

  /** {@code body} as JSON text: a String is taken as JSON already, anything else is serialized. */
  public static String toJson(Object body) {
    if (body instanceof String s) return s;
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + body, e);
    }
  }

  private HttpRequest.Builder request(URI uri, String bearer, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    return b;
  }

  private Response send(HttpRequest request) {
    try {
      return record(request, client.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
    }
  }

  private Response record(HttpRequest request, HttpResponse<String> r) {
    String contentType = r.headers().firstValue("Content-Type").orElse("");
    String body = r.body() == null ? "" : r.body();
    JsonNode json = null;
    if (!body.isBlank() && contentType.contains("json")) {
      try {
        json = MAPPER.readTree(body);
      } catch (JsonProcessingException e) {
        json = null;
      }
    }
    Response response = new Response(request.method(), request.uri(), r.statusCode(), contentType, body, json);
    if (keepHistory) history.add(response);
    return response;
  }
}
