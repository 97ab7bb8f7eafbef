package io.handoff.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the running application over real HTTP, as a client of the REST API does. Every exchange with
 * {@code /api/v1/} is checked against the application's OpenAPI document ({@link ApiContract}).
 */
public final class Api {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String base;
	private final String key;

	public Api(String base, String key) {
		this.base = base;
		this.key = key;
	}

	public String base() {
		return base;
	}

	public String key() {
		return key;
	}

	public Api withKey(String otherKey) {
		return new Api(base, otherKey);
	}

	/** The same key against another address: the same node restarted on another port, or another node. */
	public Api withBase(String otherBase) {
		return new Api(otherBase, key);
	}

	public Response get(String path) {
		return send("GET", path, null);
	}

	public Response post(String path, String json) {
		return send("POST", path, json);
	}

	public Response patch(String path, String json) {
		return send("PATCH", path, json);
	}

	public Response put(String path, String json) {
		return send("PUT", path, json);
	}

	public Response delete(String path) {
		return send("DELETE", path, null);
	}

	public Response send(String method, String path, String json) {
		return send(method, path, json, java.util.Map.of());
	}

	/** A request with extra headers (an {@code Idempotency-Key}, for one). */
	public Response send(String method, String path, String json, java.util.Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
		headers.forEach(request::header);
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method,
				json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
		try {
			HttpResponse<String> sent = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			Response response = new Response(sent.statusCode(), sent.body(), sent.headers());
			if (path.startsWith("/api/v1/")) {
				List<String> violations = ApiContract.of(base)
					.violations(method, path, json, response.status(), response.contentType(), response.body());
				if (!violations.isEmpty()) {
					throw new AssertionError("The exchange differs from the OpenAPI document:\n  "
							+ String.join("\n  ", violations) + "\nbody: " + response.body());
				}
			}
			return response;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	public static JsonNode parse(String json) {
		return JSON.readTree(json);
	}

	public record Response(int status, String body, HttpHeaders headers) {

		public JsonNode json() {
			return parse(body);
		}

		public String contentType() {
			return headers.firstValue("content-type").orElse("");
		}

		@Override
		public String toString() {
			return status + " " + body;
		}
	}
}
