package outreach.mail.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small SMTP server on a loopback port that answers as a test's script says, to bring about what a real
 * server does only now and then: a connection cut in the middle of DATA, a reply that never comes, a 421.
 * Each connection is served on its own thread.
 */
final class ScriptedSmtpServer implements AutoCloseable {

  /** How many characters of the content a cut connection reads before it closes. */
  private static final int CHARACTERS_BEFORE_CUT = 200;

  /**
   * The answer to one command line ({@code CONNECT} for the greeting, {@code .} for the end of the content) on
   * the given connection (numbered from 1) after that many accepted messages on it; null for the usual answer.
   */
  @FunctionalInterface
  interface Script {
    Answer answer(String command, int connection, int messagesOnConnection);
  }

  /**
   * A reply, or none, and whether the connection ends after it; after a 354, whether the content is cut off
   * after a few characters, or not read at all while the connection stays open.
   */
  record Answer(String reply, boolean close, boolean cutContent, boolean stopReading) {
    static Answer reply(String reply) {
      return new Answer(reply, false, false, false);
    }

    static Answer replyAndClose(String reply) {
      return new Answer(reply, true, false, false);
    }

    static Answer closeWithoutReply() {
      return new Answer(null, true, false, false);
    }

    /** For DATA: accept it, read part of the content, then close the connection. */
    static Answer cutDuringContent() {
      return new Answer("354 End data with <CR><LF>.<CR><LF>", true, true, false);
    }

    /**
     * For DATA: accept it, then read nothing more and keep the connection open until the client closes it or the
     * server is closed. A content larger than what the socket buffers hold leaves the client blocked in a write.
     */
    static Answer stopReadingContent() {
      return new Answer("354 End data with <CR><LF>.<CR><LF>", false, false, true);
    }

    /** Say nothing and keep the connection open until the client gives up. */
    static Answer silence() {
      return new Answer(null, false, false, false);
    }
  }

  /** The most the server's side of a connection buffers of what the client sends (the kernel may round it up). */
  private static final int RECEIVE_BUFFER = 8 * 1024;

  private final ServerSocket serverSocket;
  private final Script script;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "scripted-smtp");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  /** Released when the server closes: connections that stopped reading end then. */
  private final CountDownLatch closing = new CountDownLatch(1);

  private ScriptedSmtpServer(Script script) throws IOException {
    this.script = script;
    this.serverSocket = new ServerSocket();
    // Set before binding, so that every accepted connection has it from its start.
    serverSocket.setReceiveBufferSize(RECEIVE_BUFFER);
    serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    threads.execute(this::acceptLoop);
  }

  static ScriptedSmtpServer start(Script script) throws IOException {
    return new ScriptedSmtpServer(script);
  }

  int port() {
    return serverSocket.getLocalPort();
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  List<String> commands() {
    return commands;
  }

  /** Contents of the messages received in full, in order. */
  List<String> messages() {
    return messages;
  }

  @Override
  public void close() throws IOException {
    closing.countDown();
    serverSocket.close();
    for (Socket socket : sockets) socket.close();
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        sockets.add(socket);
        int connection = connections.incrementAndGet();
        threads.execute(() -> serve(socket, connection));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket, int connection) {
    try (socket) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = socket.getOutputStream();
      int accepted = 0;
      if (!say(out, answer("CONNECT", connection, accepted))) return;
      String line;
      while ((line = in.readLine()) != null) {
        commands.add(line);
        Answer answer = answer(line, connection, accepted);
        if (answer.cutContent()) {
          say(out, answer);
          in.read(new char[CHARACTERS_BEFORE_CUT]);
          return;
        }
        if (answer.stopReading()) {
          say(out, answer);
          // Reads nothing more: the client's writes fill the buffers and block until it gives up.
          closing.await();
          return;
        }
        boolean dataAccepted = line.equalsIgnoreCase("DATA") && answer.reply() != null && answer.reply().startsWith("354");
        if (!say(out, answer)) return;
        if (dataAccepted) {
          messages.add(readContent(in));
          Answer end = answer(".", connection, accepted);
          if (end.reply() != null && end.reply().startsWith("250")) accepted++;
          if (!say(out, end)) return;
        }
      }
    } catch (IOException e) {
      // The client went away or the test closed the server: this connection is over.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Answer answer(String command, int connection, int accepted) {
    Answer scripted = script.answer(command, connection, accepted);
    return scripted != null ? scripted : usual(command, connection, accepted);
  }

  private static Answer usual(String command, int connection, int accepted) {
    String verb = command.split("[ :]", 2)[0].toUpperCase(Locale.ROOT);
    return switch (verb) {
      case "CONNECT" -> Answer.reply("220 scripted.test ESMTP");
      case "EHLO" -> Answer.reply("250-scripted.test\r\n250-PIPELINING\r\n250 8BITMIME");
      case "HELO" -> Answer.reply("250 scripted.test");
      case "MAIL" -> Answer.reply("250 2.1.0 Ok");
      case "RCPT" -> Answer.reply("250 2.1.5 Ok");
      case "DATA" -> Answer.reply("354 End data with <CR><LF>.<CR><LF>");
      case "." -> Answer.reply("250 2.0.0 Ok: queued as Q" + connection + "x" + (accepted + 1));
      case "RSET", "NOOP" -> Answer.reply("250 2.0.0 Ok");
      case "QUIT" -> Answer.replyAndClose("221 2.0.0 Bye");
      default -> Answer.reply("502 5.5.2 Error: command not recognized");
    };
  }

  private static String readContent(BufferedReader in) throws IOException {
    StringBuilder content = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null && !line.equals(".")) {
      content.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
    }
    return content.toString();
  }

  /** Writes the answer's reply, if any; false when the connection ends here. */
  private static boolean say(OutputStream out, Answer answer) throws IOException {
    if (answer.reply() != null) {
      out.write((answer.reply() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    return !answer.close();
  }
}
