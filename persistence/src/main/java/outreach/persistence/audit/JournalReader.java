package outreach.persistence.audit;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Reads one entity's journal, in order, with each event's sequence number and write time. */
public final class JournalReader {

  /** One journalled event. */
  public record JournalEvent(long sequenceNr, Instant timestamp, Object event) {}

  private final ActorSystem<?> system;

  public JournalReader(ActorSystem<?> system) {
    this.system = system;
  }

  /** Events with sequence numbers in [{@code from}, {@code to}], oldest first. */
  public CompletionStage<List<JournalEvent>> events(String persistenceId, long from, long to) {
    return source(persistenceId, from, to).runWith(Sink.seq(), system);
  }

  /**
   * The first {@code max} events from sequence number {@code from} on that {@code view} keeps, as it
   * shows them, oldest first. The journal is read only as far as needed to find them.
   */
  public <T> CompletionStage<List<T>> firstMatching(String persistenceId, long from, int max, Function<JournalEvent, Optional<T>> view) {
    return source(persistenceId, from, Long.MAX_VALUE)
        .map(view::apply)
        .filter(Optional::isPresent)
        .map(Optional::get)
        .take(max)
        .runWith(Sink.seq(), system);
  }

  private Source<JournalEvent, NotUsed> source(String persistenceId, long from, long to) {
    // Looked up per call (the extension caches it): a node that never audits never starts the read journal.
    JdbcReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal
        .currentEventsByPersistenceId(persistenceId, from, to)
        .map(e -> new JournalEvent(e.sequenceNr(), Instant.ofEpochMilli(e.timestamp()), e.event()));
  }
}
