package io.handoff.webhooks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLException;

import com.fasterxml.jackson.annotation.JsonProperty;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

import io.handoff.platform.GuardedHttp;
import io.handoff.platform.UrlGuard;

/**
 * Sends one signed webhook request and reports what happened. Used for test events and, by the delivery engine, for
 * every attempt, so both look exactly alike to a receiver: the Standard Webhooks headers, the endpoint's own headers
 * and authorization, sent through {@link GuardedHttp} (the URL guard, strict timeouts, no redirects, reuse-safe
 * connections).
 */
@Component
public class WebhookSender {

	static final String USER_AGENT = "Handoff-Webhooks/0.1";
	private static final MediaType JSON = MediaType.get("application/json");
	private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");

	private final GuardedHttp http;
	private final List<LocalHooks> localHooks;
	private final Duration timeout;
	private final JsonMapper json;
	private final Clock clock;
	private final int excerptBytes;

	WebhookSender(GuardedHttp http, List<LocalHooks> localHooks, WebhookProperties properties, JsonMapper json,
			Clock clock) {
		this.http = http;
		this.localHooks = localHooks;
		this.json = json;
		this.clock = clock;
		this.timeout = properties.responseTimeout();
		this.excerptBytes = properties.responseExcerptBytes();
	}

	/**
	 * Where and how to send.
	 *
	 * @param headers the endpoint's own headers
	 * @param authSecret the Basic password or the Bearer token
	 * @param signingSecrets every secret valid now: the current one first
	 */
	public record Target(String url, Map<String, String> headers, Endpoint.AuthType authType, String username,
			String authSecret, Endpoint.BodyFormat format, List<String> signingSecrets) {
	}

	/** What was sent, with credentials redacted, as the delivery log keeps it. */
	public record SentRequest(String method, String url, Map<String, String> headers, String body) {
	}

	public enum OutcomeKind {
		@JsonProperty("success") SUCCESS, @JsonProperty("http_error") HTTP_ERROR, @JsonProperty("timeout") TIMEOUT,
		@JsonProperty("connection_refused") CONNECTION_REFUSED,
		@JsonProperty("connection_reset") CONNECTION_RESET, @JsonProperty("dns_failure") DNS_FAILURE,
		@JsonProperty("tls_failure") TLS_FAILURE, @JsonProperty("blocked") BLOCKED,
		@JsonProperty("network_error") NETWORK_ERROR
	}

	/**
	 * @param status the HTTP status, when a response came
	 * @param responseBody the start of the response body, up to the configured excerpt size
	 * @param error what went wrong, in words, when no response came
	 */
	public record Outcome(OutcomeKind kind, Integer status, long durationMs, Map<String, String> responseHeaders,
			String responseBody, String error, SentRequest request) {

		public boolean succeeded() {
			return kind == OutcomeKind.SUCCESS;
		}
	}

	public Outcome send(Target target, String eventId, String eventJson) {
		long timestamp = clock.instant().getEpochSecond();
		String body = target.format() == Endpoint.BodyFormat.FORM ? FormBodies.encode(json.readTree(eventJson))
				: eventJson;
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("webhook-id", eventId);
		headers.put("webhook-timestamp", Long.toString(timestamp));
		headers.put("webhook-signature", Signatures.header(target.signingSecrets(), eventId, timestamp, bytes));
		headers.put("content-type", target.format() == Endpoint.BodyFormat.FORM ? FORM.toString() : JSON.toString());
		headers.put("user-agent", USER_AGENT);
		Map<String, String> logged = new LinkedHashMap<>(headers);
		target.headers().forEach((name, value) -> {
			headers.put(name, value);
			logged.put(name, Headers.mask(name, value));
		});
		switch (target.authType()) {
			case BASIC -> headers.put("authorization", okhttp3.Credentials.basic(target.username(),
					target.authSecret(), StandardCharsets.UTF_8));
			case BEARER -> headers.put("authorization", "Bearer " + target.authSecret());
			case NONE -> {
			}
		}
		if (target.authType() != Endpoint.AuthType.NONE) {
			logged.put("authorization", target.authType() == Endpoint.AuthType.BASIC ? "Basic [redacted]"
					: "Bearer [redacted]");
		}
		SentRequest sent = new SentRequest("POST", target.url(), logged, body);

		long started = System.nanoTime();
		Outcome local = sendToOwnBot(target.url(), headers, bytes, sent, started);
		if (local != null) {
			return local;
		}
		try {
			Request.Builder request = new Request.Builder().url(target.url())
				.post(RequestBody.create(bytes, target.format() == Endpoint.BodyFormat.FORM ? FORM : JSON));
			headers.forEach(request::header);
			try (Response response = http.execute(request.build(), timeout)) {
				String excerpt = response.peekBody(excerptBytes).string();
				Map<String, String> responseHeaders = new LinkedHashMap<>();
				response.headers().forEach(h -> responseHeaders.merge(h.getFirst().toLowerCase(java.util.Locale.ROOT), h.getSecond(), (a, b) -> a + ", " + b));
				return new Outcome(response.isSuccessful() ? OutcomeKind.SUCCESS : OutcomeKind.HTTP_ERROR,
						response.code(), elapsed(started), responseHeaders, excerpt, null, sent);
			}
		}
		catch (IOException | IllegalArgumentException e) {
			if (interrupted(e)) {
				// The caller's thread was interrupted (the node is stopping), which OkHttp reports as an I/O error
				// and clears: say so again, so that the caller does not take it for the receiver's timeout.
				Thread.currentThread().interrupt();
			}
			OutcomeKind kind = classify(e);
			return new Outcome(kind, null, elapsed(started), Map.of(), null, describe(kind, e), sent);
		}
	}

	/**
	 * A bot of this instance gets the request in-process, signed and logged like any other; null when the URL is not
	 * one of this instance's hooks.
	 */
	private Outcome sendToOwnBot(String url, Map<String, String> headers, byte[] body, SentRequest sent, long started) {
		URI uri;
		try {
			uri = URI.create(url);
		}
		catch (IllegalArgumentException e) {
			return null;
		}
		for (LocalHooks hooks : localHooks) {
			var reply = hooks.deliver(uri, headers, headers.get("content-type"), body);
			if (reply.isPresent()) {
				int status = reply.get().status();
				return new Outcome(status >= 200 && status < 300 ? OutcomeKind.SUCCESS : OutcomeKind.HTTP_ERROR, status,
						elapsed(started), Map.of("content-type", "application/json"), reply.get().body(), null, sent);
			}
		}
		return null;
	}

	private static boolean interrupted(Exception e) {
		for (Throwable cause = e; cause != null; cause = cause.getCause()) {
			if (cause instanceof java.nio.channels.ClosedByInterruptException
					|| cause instanceof InterruptedIOException && !(cause instanceof java.net.SocketTimeoutException)
							&& "interrupted".equals(cause.getMessage())) {
				return true;
			}
		}
		return Thread.currentThread().isInterrupted();
	}

	static OutcomeKind classify(Exception e) {
		return switch (e) {
			case UrlGuard.BlockedAddressException blocked -> OutcomeKind.BLOCKED;
			case UnknownHostException unknown -> OutcomeKind.DNS_FAILURE;
			case SSLException tls -> OutcomeKind.TLS_FAILURE;
			case ConnectException refused -> OutcomeKind.CONNECTION_REFUSED;
			case NoRouteToHostException noRoute -> OutcomeKind.CONNECTION_REFUSED;
			case InterruptedIOException timeout -> OutcomeKind.TIMEOUT;
			case SocketException reset -> OutcomeKind.CONNECTION_RESET;
			case EOFException eof -> OutcomeKind.CONNECTION_RESET;
			case IOException io when String.valueOf(io.getMessage()).contains("unexpected end of stream") ->
				OutcomeKind.CONNECTION_RESET;
			default -> OutcomeKind.NETWORK_ERROR;
		};
	}

	/** What went wrong, in words a person reads in the delivery log. */
	private String describe(OutcomeKind kind, Exception e) {
		String detail = e.getMessage() == null ? "" : e.getMessage();
		return switch (kind) {
			case BLOCKED -> "Not sent: " + detail;
			case DNS_FAILURE -> "The host name could not be found" + (detail.isEmpty() ? "" : " (" + detail + ")");
			case TLS_FAILURE -> "The secure (TLS) connection could not be set up: " + detail;
			case CONNECTION_REFUSED -> "The receiver refused the connection: nothing listens at that address and port";
			case TIMEOUT -> "No answer within " + timeout.toSeconds() + " s";
			case CONNECTION_RESET -> "The receiver closed the connection without answering";
			default -> "The request failed: " + detail;
		};
	}

	private static long elapsed(long startedNanos) {
		return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
	}
}
