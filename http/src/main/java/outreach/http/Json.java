package outreach.http;

import akka.http.javadsl.marshalling.Marshaller;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.RequestEntity;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.stream.Collectors;

/** JSON for the client API: strict on input (unknown fields are an error), ISO-8601 instants on output. */
public final class Json {

  public static final ContentType.WithFixedCharset PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", akka.http.javadsl.model.HttpCharsets.UTF_8)
          .toContentType();

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(new Jdk8Module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);

  private Json() {}

  /** Reads a request body into {@code type}, or throws a 400 {@link Problem} that names the field at fault. */
  public static <T> T read(String body, Class<T> type) {
    if (body == null || body.isBlank()) throw Problem.malformedJson("the request body is empty; a JSON object is expected");
    try {
      return MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw Problem.badRequest("unknown field '" + path(e) + "'");
    } catch (MismatchedInputException e) {
      String field = path(e);
      if (field.isEmpty()) throw Problem.malformedJson("the request body must be a JSON object");
      throw Problem.badRequest("field '" + field + "' has the wrong type or format");
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException iae) {
        String field = path(e);
        throw Problem.badRequest(field.isEmpty() ? iae.getMessage() : "field '" + field + "': " + iae.getMessage());
      }
      throw Problem.badRequest("the request body does not match the expected shape");
    } catch (JsonProcessingException e) {
      throw Problem.malformedJson(
          "the request body is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")");
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  public static RequestEntity entity(Object value) {
    return HttpEntities.create(ContentTypes.APPLICATION_JSON, write(value));
  }

  public static HttpEntity.Strict problemEntity(Problem problem) {
    return HttpEntities.create(PROBLEM_JSON, write(problem.body()));
  }

  public static <T> Marshaller<T, RequestEntity> marshaller() {
    return Marshaller.withFixedContentType(ContentTypes.APPLICATION_JSON, Json::entity);
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }
}
