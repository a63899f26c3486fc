package outreach.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.MalformedQueryParamRejection;
import akka.http.javadsl.server.MalformedRequestContentRejection;
import akka.http.javadsl.server.MethodRejection;
import akka.http.javadsl.server.MissingQueryParamRejection;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.pattern.AskTimeoutException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure and rejection into {@code application/problem+json}; nothing else ever leaves the API. */
public final class Problems {

  private static final Logger log = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  public static HttpResponse response(Problem problem) {
    HttpResponse response = HttpResponse.create().withStatus(problem.status()).withEntity(Json.problemEntity(problem));
    if (problem.status().equals(StatusCodes.UNAUTHORIZED)) {
      response = response.addHeader(WWWAuthenticate.create(HttpChallenge.createOAuth2("outreach")));
    }
    if (problem.retryAfterSeconds() > 0) {
      response = response.addHeader(RawHeader.create("Retry-After", Long.toString(problem.retryAfterSeconds())));
    }
    return response;
  }

  public static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> akka.http.javadsl.server.Directives.complete(response(toProblem(e))))
        .build();
  }

  static Problem toProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Problem p) return p;
      if (t instanceof EntityStreamSizeException size) {
        return Problem.payloadTooLarge("the body is larger than the limit of " + size.limit() + " bytes");
      }
      if (t instanceof AskTimeoutException || t instanceof TimeoutException) {
        log.warn("request timed out: {}", t.getMessage());
        return Problem.unavailable("the cluster did not answer in time; retry the request");
      }
    }
    log.error("request failed", e);
    return Problem.internal();
  }

  public static RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handle(
            MissingQueryParamRejection.class,
            r -> akka.http.javadsl.server.Directives.complete(
                response(Problem.badRequest("query parameter '" + r.parameterName() + "' is required"))))
        .handle(
            MalformedQueryParamRejection.class,
            r -> akka.http.javadsl.server.Directives.complete(
                response(Problem.badRequest("query parameter '" + r.parameterName() + "': " + r.errorMsg()))))
        .handle(
            MalformedRequestContentRejection.class,
            r -> akka.http.javadsl.server.Directives.complete(response(toProblem(r.getCause()))))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r -> akka.http.javadsl.server.Directives.complete(
                response(Problem.unsupportedMediaType("the body must be application/json"))))
        .handleAll(
            MethodRejection.class,
            rs -> akka.http.javadsl.server.Directives.complete(
                response(
                    Problem.methodNotAllowed(
                        "allowed: "
                            + rs.stream().map(r -> r.supported().name()).distinct().collect(Collectors.joining(", "))))))
        .handleNotFound(
            akka.http.javadsl.server.Directives.extractUri(
                uri -> akka.http.javadsl.server.Directives.complete(
                    response(Problem.notFound("no resource at " + uri.path())))))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(
            r -> {
              if (r.entity().getContentType().mediaType().toString().startsWith("application/problem+json")) return r;
              String detail =
                  r.entity() instanceof akka.http.javadsl.model.HttpEntity.Strict s
                      ? s.getData().utf8String()
                      : r.status().reason();
              Problem p = r.status().intValue() >= 500 ? Problem.internal() : Problem.badRequest(detail);
              return r.withEntity(Json.problemEntity(p));
            });
  }
}
