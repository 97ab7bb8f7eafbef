package io.handoff.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local server that speaks the parts of Meta's Graph API that replies use, on real HTTP: {@code POST
 * /{version}/{phone-number-id}/messages} answers Meta's success body with a fresh {@code wamid} (or whatever a test
 * queued: a 503, an error body with its code), and {@code GET /{version}/{waba-id}/message_templates} pages through
 * the templates a test set, 2 per page, with Meta's {@code paging.cursors.after} and {@code paging.next}. Every
 * request is recorded with its method, path and query, headers and body.
 */
public final class GraphServer implements AutoCloseable {

	public record Received(String method, String path, String query, Map<String, List<String>> headers, String body) {

		public String header(String name) {
			return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
				.map(e -> e.getValue().getFirst()).orElse(null);
		}
	}

	/** A queued answer to the next send. */
	public record Answer(int status, String body) {
	}

	private final HttpServer server;
	private final List<Received> received = new CopyOnWriteArrayList<>();
	private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
	private final AtomicInteger ids = new AtomicInteger();
	private volatile List<String> templates = List.of();

	public GraphServer() throws IOException {
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/", this::handle);
		server.start();
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	/** The templates the business account has, each a JSON object as Meta lists it. */
	public void templates(String... json) {
		templates = List.of(json);
	}

	public void answerNextSend(int status, String body) {
		answers.add(new Answer(status, body));
	}

	public List<Received> sends() {
		return received.stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/messages")).toList();
	}

	public List<Received> received() {
		return List.copyOf(received);
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String path = exchange.getRequestURI().getPath();
		String query = exchange.getRequestURI().getRawQuery();
		received.add(new Received(exchange.getRequestMethod(), path, query, Map.copyOf(exchange.getRequestHeaders()), body));
		if (exchange.getRequestMethod().equals("POST") && path.endsWith("/messages")) {
			Answer answer = answers.poll();
			if (answer == null) {
				String to = body.replaceAll("(?s).*\"to\"\\s*:\\s*\"([^\"]+)\".*", "$1");
				answer = new Answer(200, """
						{"messaging_product": "whatsapp", "contacts": [{"input": "%s", "wa_id": "%s"}],
						 "messages": [{"id": "wamid.HBgM%06d"}]}""".formatted(to, to, ids.incrementAndGet()));
			}
			respond(exchange, answer.status(), answer.body());
		}
		else if (exchange.getRequestMethod().equals("GET") && path.endsWith("/message_templates")) {
			int from = query != null && query.contains("after=") ? Integer.parseInt(query.replaceAll(".*after=c(\\d+).*", "$1")) : 0;
			List<String> page = templates.subList(Math.min(from, templates.size()), Math.min(from + 2, templates.size()));
			boolean more = from + 2 < templates.size();
			String paging = more ? """
					"paging": {"cursors": {"before": "c%d", "after": "c%d"}, "next": "https://graph.facebook.com/v23.0/x/message_templates?after=c%d"}"""
				.formatted(from, from + 2, from + 2) : """
					"paging": {"cursors": {"before": "c%d", "after": "c%d"}}""".formatted(from, from + 2);
			respond(exchange, 200, "{\"data\": [" + String.join(",", page) + "], " + paging + "}");
		}
		else {
			respond(exchange, 404, """
					{"error": {"message": "Unknown path components", "type": "OAuthException", "code": 2500}}""");
		}
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
