package outreach.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import java.util.Optional;
import java.util.function.Function;

/** Shared directives of the JSON resources: strict JSON bodies within the size limit, JSON answers. */
abstract class JsonRoutes extends AllDirectives {

  protected final ApiSettings settings;

  protected JsonRoutes(ApiSettings settings) {
    this.settings = settings;
  }

  protected <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return extractRequestEntity(
        entity -> {
          if (!entity.getContentType().equals(ContentTypes.APPLICATION_JSON)
              && !entity.getContentType().mediaType().toString().equals("application/json")) {
            throw Problem.unsupportedMediaType(
                "the body must be application/json, got " + entity.getContentType().mediaType());
          }
          return withSizeLimit(
              settings.maxBodyBytes(),
              () -> entity(Unmarshaller.entityToString(), body -> inner.apply(Json.read(body, type))));
        });
  }

  /**
   * A POST that takes no body: whatever body a client sends (such as {@code {}}) is read and dropped
   * within the size limit, so the connection stays usable.
   */
  protected Route postWithoutBody(java.util.function.Supplier<Route> inner) {
    return post(
        () -> withSizeLimit(settings.maxBodyBytes(), () -> entity(Unmarshaller.entityToString(), ignored -> inner.get())));
  }

  /** The {@code limit} query parameter of a listing: the default page size when absent, 400 when out of range. */
  protected int pageSize(Optional<String> text) {
    if (text.isEmpty()) return settings.defaultPageSize();
    try {
      int n = Integer.parseInt(text.get());
      if (n < 1 || n > settings.maxPageSize()) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("query parameter 'limit' must be between 1 and " + settings.maxPageSize());
    }
  }

  protected Route json(StatusCode status, Object body) {
    return complete(HttpResponse.create().withStatus(status).withEntity(Json.entity(body)));
  }

  protected Route created(String location, Object body) {
    return complete(
        HttpResponse.create()
            .withStatus(201)
            .addHeader(Location.create(location))
            .withEntity(Json.entity(body)));
  }
}
