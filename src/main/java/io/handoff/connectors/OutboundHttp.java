package io.handoff.connectors;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import org.springframework.stereotype.Component;

import io.handoff.platform.GuardedHttp;
import io.handoff.platform.UrlGuard;

/**
 * HTTP for connectors: {@link GuardedHttp} (the URL guard, no redirects, strict timeouts, reuse-safe connections) and
 * retries of transient failures (429 and 503 with {@code Retry-After} honoured up to a cap, other 5xx, timeouts, refused or
 * reset connections) with doubling, jittered waits. Every try is kept for the run log.
 */
@Component
class OutboundHttp {

	/** Responses are read up to this size; the run log keeps less. */
	static final int MAX_BODY = 1024 * 1024;

	private final GuardedHttp http;
	private final ConnectorProperties properties;

	OutboundHttp(GuardedHttp http, ConnectorProperties properties) {
		this.http = http;
		this.properties = properties;
	}

	/** One try: what was asked and what came back, or what went wrong. */
	record Try(String method, String url, Integer status, String error, long durationMs, Instant at) {
	}

	/** The final answer of a call, with every try that led to it. */
	record Exchange(int status, okhttp3.Headers headers, String body, List<Try> tries) {

		boolean ok() {
			return status >= 200 && status < 300;
		}

		/** A 429 or 5xx: the other side may answer later, so a run waits and tries again rather than fail. */
		boolean transientFailure() {
			return status == 429 || status >= 500;
		}

		/** What the other side asked for with {@code Retry-After}, or null. */
		Duration retryAfter() {
			return GuardedHttp.retryAfter(headers.get("Retry-After"), Instant.now());
		}
	}

	/**
	 * The call failed without an answer: a blocked address or an unknown host (for good), or every try timed out or
	 * could not connect ({@link #transientFailure()}: a run waits and tries again later).
	 */
	static final class Failed extends Exception {

		private final transient List<Try> tries;
		private final boolean transientFailure;

		Failed(String message, List<Try> tries, boolean transientFailure) {
			super(message, null, false, false);
			this.tries = List.copyOf(tries);
			this.transientFailure = transientFailure;
		}

		List<Try> tries() {
			return tries;
		}

		boolean transientFailure() {
			return transientFailure;
		}
	}

	Exchange call(Request request) throws Failed, InterruptedException {
		return call(request, null);
	}

	/**
	 * Sends {@code request}, trying again on transient failures. A non-transient HTTP status (4xx other than 429, or
	 * a redirect) is answered as it is, for the caller to judge.
	 */
	Exchange call(Request request, Duration timeout) throws Failed, InterruptedException {
		Duration deadline = timeout == null ? properties.timeout() : timeout;
		List<Try> tries = new ArrayList<>();
		for (int attempt = 1;; attempt++) {
			long started = System.nanoTime();
			Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
			Duration wait;
			try (Response response = http.execute(request, deadline)) {
				String body = read(response.body());
				long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				tries.add(new Try(request.method(), redacted(request), response.code(), null, ms, at));
				boolean transientStatus = response.code() == 429 || response.code() >= 500;
				if (!transientStatus) {
					return new Exchange(response.code(), response.headers(), body, tries);
				}
				if (attempt >= properties.maxTries()) {
					return new Exchange(response.code(), response.headers(), body, tries);
				}
				Duration retryAfter = GuardedHttp.retryAfter(response.header("Retry-After"), Instant.now());
				if (retryAfter != null && retryAfter.compareTo(properties.retryAfterCap()) > 0) {
					return new Exchange(response.code(), response.headers(), body, tries);
				}
				wait = retryAfter != null ? retryAfter : backoff(attempt);
			}
			catch (IOException e) {
				long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
				tries.add(new Try(request.method(), redacted(request), null, describe(e), ms, at));
				if (e instanceof UrlGuard.BlockedAddressException || e instanceof UnknownHostException) {
					throw new Failed(describe(e), tries, false);
				}
				if (attempt >= properties.maxTries()) {
					throw new Failed(describe(e) + " (after " + attempt + " tries)", tries, true);
				}
				wait = backoff(attempt);
			}
			Thread.sleep(wait);
		}
	}

	private Duration backoff(int attempt) {
		long base = properties.retryBase().toMillis() << Math.min(attempt - 1, 16);
		double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
		return Duration.ofMillis((long) (base * jitter));
	}

	private static String read(ResponseBody body) throws IOException {
		if (body == null) {
			return "";
		}
		okio.BufferedSource source = body.source();
		source.request(MAX_BODY);
		return source.getBuffer().readString(Math.min(source.getBuffer().size(), MAX_BODY),
				java.nio.charset.StandardCharsets.UTF_8);
	}

	private static String redacted(Request request) {
		return request.url().newBuilder().query(null).build() + (request.url().query() == null ? "" : "?…");
	}

	private static String describe(IOException e) {
		return switch (e) {
			case UrlGuard.BlockedAddressException blocked -> "blocked by the URL guard: " + blocked.getMessage();
			case UnknownHostException unknown -> "unknown host " + unknown.getMessage();
			case ConnectException refused -> "connection refused";
			case InterruptedIOException timeout -> "timed out";
			default -> e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
		};
	}
}
