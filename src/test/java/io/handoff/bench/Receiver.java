package io.handoff.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal webhook receiver for benchmarks, run in its own JVM so that it does not share Handoff's CPU budget
 * unfairly. {@code POST /fast/*} answers 200 at once, {@code POST /slow/*} after ten seconds; a path with
 * {@code /close-} answers {@code Connection: close} and closes. Each request is noted as
 * {@code path chatId sequence arrivalMicros}; {@code GET /dump} returns the notes and forgets them.
 */
public final class Receiver {

	private static final Pattern CHAT = Pattern.compile("\"chatId\":\"([^\"]+)\",\"sequence\":(\\d+)");
	private static final Clock CLOCK = Clock.systemUTC();

	private Receiver() {
	}

	public static void main(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/", exchange -> {
			try (exchange) {
				String path = exchange.getRequestURI().getPath();
				if (exchange.getRequestMethod().equals("GET") && path.equals("/dump")) {
					StringBuilder out = new StringBuilder();
					String note;
					while ((note = notes.poll()) != null) {
						out.append(note).append('\n');
					}
					respond(exchange, 200, out.toString());
					return;
				}
				byte[] body = exchange.getRequestBody().readAllBytes();
				Instant arrived = CLOCK.instant();
				Matcher matcher = CHAT.matcher(new String(body, StandardCharsets.UTF_8));
				if (matcher.find()) {
					notes.add(path + " " + matcher.group(1) + " " + matcher.group(2) + " " + micros(arrived));
				}
				if (path.startsWith("/slow/")) {
					Thread.sleep(10_000);
				}
				if (path.contains("/close-")) {
					// Closes the connection after answering, as HTTP/1.0 servers and many small backends do.
					exchange.getResponseHeaders().set("Connection", "close");
				}
				respond(exchange, 200, "");
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		});
		server.start();
		System.out.println("Receiver listening on " + port);
	}

	static long micros(Instant instant) {
		return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		if (bytes.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}
}
