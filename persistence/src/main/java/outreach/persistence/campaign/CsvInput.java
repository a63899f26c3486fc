package outreach.persistence.campaign;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Reading CSV uploads (recipients, suppressions): strict UTF-8, RFC 4180, a byte limit enforced while streaming. */
final class CsvInput {

  /** RFC 4180 (quotes, commas and line breaks in quoted fields, CRLF or LF); blank lines are not records. */
  static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

  private CsvInput() {}

  /** UTF-8 that must really be UTF-8, without the byte order mark some spreadsheet programs write. */
  static Reader utf8(InputStream in) throws IOException {
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                in,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)));
    try {
      reader.mark(1);
      if (reader.read() != '\uFEFF') reader.reset();
    } catch (CharacterCodingException e) {
      throw new InvalidCsvException("the CSV is not UTF-8 text");
    }
    return reader;
  }

  /** The next record, with the parser's failures sorted into bad input (nothing written, 4xx) and I/O errors. */
  static Optional<CSVRecord> next(Iterator<CSVRecord> records) {
    try {
      return records.hasNext() ? Optional.of(records.next()) : Optional.empty();
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof CSVException bad) throw new InvalidCsvException("the CSV is malformed: " + bad.getMessage());
      if (e.getCause() instanceof CharacterCodingException) throw new InvalidCsvException("the CSV is not UTF-8 text");
      throw e;
    }
  }

  /** Counts the bytes read and fails the upload as soon as they exceed the limit, before more is buffered. */
  static final class LimitedInputStream extends FilterInputStream {

    private final long maxBytes;
    private long count;

    LimitedInputStream(InputStream in, long maxBytes) {
      super(in);
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) counted(1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) counted(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      counted(skipped);
      return skipped;
    }

    @Override
    public void close() {
      try {
        super.close();
      } catch (IOException e) {
        // The upload has been read or has failed by now: a failing close cannot undo a committed import nor add to a failure.
      }
    }

    private void counted(long n) {
      count += n;
      if (count > maxBytes) throw ImportTooLargeException.bytes(maxBytes);
    }
  }
}
