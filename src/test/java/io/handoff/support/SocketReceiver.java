package io.handoff.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * An HTTP receiver written on plain sockets, so that it behaves exactly like the servers Handoff meets in the wild
 * rather than like a test library's defaults: one that keeps connections alive, one that answers HTTP/1.0 and closes
 * (Python's {@code http.server} as it comes, CGI backends), one that says {@code Connection: close}, one that closes
 * idle connections after a second (like Node.js after five), and one that resets the connection after reading the
 * request headers (a genuine failure).
 */
public final class SocketReceiver implements AutoCloseable {

	public enum Kind {
		KEEP_ALIVE, HTTP_1_0, CONNECTION_CLOSE, IDLE_CLOSE_1S, RESET_AFTER_HEADERS
	}

	/** One request as it arrived. */
	public record Received(String method, String path, Map<String, String> headers, String body) {

		public String header(String name) {
			return headers.get(name.toLowerCase(Locale.ROOT));
		}
	}

	private final Kind kind;
	private final ServerSocket server;
	private final List<Received> received = new CopyOnWriteArrayList<>();
	private final AtomicInteger connections = new AtomicInteger();
	private final AtomicInteger resets = new AtomicInteger();
	private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
	private volatile Function<Received, Reply> responder = r -> Reply.of(200);
	private volatile boolean down;

	private SocketReceiver(Kind kind) throws IOException {
		this.kind = kind;
		this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().name("receiver-" + kind).start(this::accept);
	}

	public static SocketReceiver start(Kind kind) {
		try {
			return new SocketReceiver(kind);
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	public String url(String path) {
		return "http://127.0.0.1:" + server.getLocalPort() + path;
	}

	/** An answer to send. */
	public record Reply(int status, String contentType, String body) {

		public static Reply of(int status) {
			return new Reply(status, "text/plain", "ok");
		}
	}

	/** Answers each request with the status this gives. */
	public void respond(ToIntFunction<Received> status) {
		this.responder = r -> Reply.of(status.applyAsInt(r));
	}

	/** Answers each request with what this gives. */
	public void reply(Function<Received, Reply> responder) {
		this.responder = responder;
	}

	/** While down, every connection is closed at once, without reading or answering (a receiver that is off). */
	public void down(boolean down) {
		this.down = down;
	}

	/** Requests read in full and answered (not those reset). */
	public List<Received> received() {
		return received;
	}

	public int connections() {
		return connections.get();
	}

	public int resets() {
		return resets.get();
	}

	private void accept() {
		while (!server.isClosed()) {
			try {
				Socket socket = server.accept();
				open.add(socket);
				connections.incrementAndGet();
				Thread.ofVirtual().start(() -> serve(socket));
			}
			catch (IOException e) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			serveOn(socket);
		}
		catch (IOException e) {
			// The client went away; nothing to answer.
		}
		finally {
			open.remove(socket);
		}
	}

	private void serveOn(Socket socket) throws IOException {
		if (down) {
			socket.setSoLinger(true, 0);
			return;
		}
		socket.setSoTimeout(kind == Kind.IDLE_CLOSE_1S ? 1000 : 30_000);
		InputStream in = new BufferedInputStream(socket.getInputStream());
		OutputStream out = socket.getOutputStream();
		while (true) {
			String requestLine;
			try {
				requestLine = line(in);
			}
			catch (SocketTimeoutException idle) {
				return;
			}
			if (requestLine == null || requestLine.isEmpty()) {
				return;
			}
			Map<String, String> headers = new LinkedHashMap<>();
			for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
				int colon = line.indexOf(':');
				headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
			}
			if (kind == Kind.RESET_AFTER_HEADERS) {
				resets.incrementAndGet();
				socket.setSoLinger(true, 0);
				return;
			}
			byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
			String[] parts = requestLine.split(" ");
			Received request = new Received(parts[0], parts[1], headers, new String(body, StandardCharsets.UTF_8));
			Reply reply = responder.apply(request);
			received.add(request);
			boolean closing = kind == Kind.HTTP_1_0 || kind == Kind.CONNECTION_CLOSE;
			byte[] content = reply.body().getBytes(StandardCharsets.UTF_8);
			String head = (kind == Kind.HTTP_1_0 ? "HTTP/1.0 " : "HTTP/1.1 ") + reply.status() + " Status\r\n"
					+ "Content-Type: " + reply.contentType() + "\r\nContent-Length: " + content.length + "\r\n"
					+ (kind == Kind.CONNECTION_CLOSE ? "Connection: close\r\n" : "") + "\r\n";
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			out.write(content);
			out.flush();
			if (closing) {
				socket.shutdownOutput();
				return;
			}
		}
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				String text = line.toString(StandardCharsets.US_ASCII);
				return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
			}
			line.write(b);
		}
		return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
	}

	/**
	 * Stops listening and closes the connections it accepted: a connection left open would keep answering for this
	 * receiver after a later one took its port, and a client reusing it would reach the wrong server.
	 */
	@Override
	public void close() {
		try {
			server.close();
		}
		catch (IOException e) {
			// Closing anyway.
		}
		for (Socket socket : open) {
			try {
				socket.close();
			}
			catch (IOException e) {
				// Closing anyway.
			}
		}
	}
}
