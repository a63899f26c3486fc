package outreach.http;

import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;

/**
 * An RFC 9457 problem: a stable {@code type}, a short {@code title}, the HTTP {@code status} and a
 * {@code detail} that says what to fix. Thrown from route code and rendered as {@code application/problem+json}.
 */
public final class Problem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private static final String TYPE_PREFIX = "urn:outreach:problem:";

  private final transient StatusCode status;
  private final String type;
  private final String title;
  private final long retryAfterSeconds;

  private Problem(StatusCode status, String slug, String title, String detail) {
    this(status, slug, title, detail, 0);
  }

  private Problem(StatusCode status, String slug, String title, String detail, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.type = TYPE_PREFIX + slug;
    this.title = title;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static Problem badRequest(String detail) {
    return new Problem(StatusCodes.BAD_REQUEST, "invalid-request", "The request is not valid", detail);
  }

  public static Problem malformedJson(String detail) {
    return new Problem(StatusCodes.BAD_REQUEST, "malformed-json", "The body is not valid JSON", detail);
  }

  public static Problem unauthorized(String detail) {
    return new Problem(StatusCodes.UNAUTHORIZED, "unauthorized", "Authentication is required", detail);
  }

  public static Problem notFound(String detail) {
    return new Problem(StatusCodes.NOT_FOUND, "not-found", "No such resource", detail);
  }

  public static Problem conflict(String detail) {
    return new Problem(StatusCodes.CONFLICT, "conflict", "The request conflicts with the current state", detail);
  }

  public static Problem methodNotAllowed(String detail) {
    return new Problem(StatusCodes.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed", detail);
  }

  public static Problem unsupportedMediaType(String detail) {
    return new Problem(
        StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type", detail);
  }

  public static Problem payloadTooLarge(String detail) {
    return new Problem(StatusCodes.PAYLOAD_TOO_LARGE, "payload-too-large", "The body is too large", detail);
  }

  /** 429; Retry-After is {@code retryAfter} rounded up to whole seconds, at least one. */
  public static Problem rateLimited(java.time.Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return new Problem(
        StatusCodes.TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many requests",
        "the request rate limit is exceeded; retry after " + seconds + " s",
        seconds);
  }

  public static Problem unavailable(String detail) {
    return new Problem(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "Temporarily unavailable", detail);
  }

  public static Problem internal() {
    return new Problem(
        StatusCodes.INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the server could not complete the request; it has been logged");
  }

  public StatusCode status() {
    return status;
  }

  /** Seconds the client should wait before retrying, for the Retry-After header; 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The JSON body. */
  public Body body() {
    return new Body(type, title, status.intValue(), getMessage());
  }

  /** The serialised form of a problem. */
  public record Body(String type, String title, int status, String detail) {}
}
