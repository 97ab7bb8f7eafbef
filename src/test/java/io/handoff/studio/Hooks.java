package io.handoff.studio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.handoff.support.Api;

/** Calls bots' hook URLs the way outside senders do: any method, content type and headers, no API key. */
final class Hooks {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private Hooks() {
	}

	static Api.Response send(String method, String url, String contentType, byte[] body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		headers.forEach(request::header);
		request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Api.Response(response.statusCode(), response.body(), response.headers());
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	static Api.Response postJson(String url, String json) {
		return send("POST", url, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
	}
}
