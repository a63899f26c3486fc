package outreach.protocol;

/** Marker for every message, event and state that crosses the cluster or enters the journal (bound to jackson-cbor). */
public interface CborSerializable {}
