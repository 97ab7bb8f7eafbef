package io.handoff.platform;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.internal.connection.RealConnection;

/**
 * The one client for every request Handoff makes to the outside (webhook deliveries, connectors, the AI provider).
 * The URL guard checks every address connected to, no proxy is ever used (a JVM-wide proxy would connect on the
 * guard's behalf), redirects are not followed, and every call has a deadline. Callers keep their own retry policies.
 * <p>
 * Connection reuse never costs a caller a try. Servers close connections Handoff holds for reuse all the time: HTTP/1.0
 * servers after every response, most others after a few idle seconds, sometimes just as a request goes out. So:
 * <ul>
 * <li>a response that says it closes ({@code Connection: close}, or HTTP/1.0 without keep-alive) retires its
 * connection at once;</li>
 * <li>idle connections are dropped after {@code handoff.http.idle-timeout}, before common servers drop them;</li>
 * <li>a request that fails on a reused connection before any response arrived is sent again at once on a new
 * connection, and only the outcome of that counts. Receivers see it twice only if the first copy reached them and
 * they closed without answering; they drop duplicates by {@code webhook-id} anyway.</li>
 * </ul>
 */
public final class GuardedHttp {

	private final UrlGuard guard;
	private final OkHttpClient base;
	private final Map<Duration, Clients> byTimeout = new ConcurrentHashMap<>();
	private final LongAdder resentOnNewConnection = new LongAdder();

	GuardedHttp(UrlGuard guard, HttpProperties properties) {
		this.guard = guard;
		this.base = new OkHttpClient.Builder().dns(guard.dns())
			.proxy(Proxy.NO_PROXY)
			.followRedirects(false)
			.followSslRedirects(false)
			// OkHttp's own retry also repeats requests that failed on new connections; ours is narrower (see above).
			.retryOnConnectionFailure(false)
			.connectionPool(new ConnectionPool(properties.maxIdleConnections(), properties.idleTimeout().toMillis(),
					TimeUnit.MILLISECONDS))
			.connectTimeout(properties.connectTimeout())
			.addNetworkInterceptor(GuardedHttp::retireClosingConnections)
			.eventListenerFactory(GuardedHttp::trackerOf)
			.build();
	}

	/** A pooled client and one that never reuses a connection, with the same deadline. */
	private record Clients(OkHttpClient pooled, OkHttpClient fresh) {
	}

	/**
	 * Sends {@code request} and answers the response, which the caller closes.
	 *
	 * @param timeout the deadline of the whole call, from connecting to the end of the response body
	 * @throws UrlGuard.BlockedAddressException when the host is, or resolves to, an address the guard refuses
	 */
	public Response execute(Request request, Duration timeout) throws IOException {
		guard.checkLiteral(request.url().uri());
		Clients clients = byTimeout.computeIfAbsent(timeout, this::clients);
		ReuseTracker tracker = new ReuseTracker();
		try {
			return clients.pooled().newCall(request.newBuilder().tag(ReuseTracker.class, tracker).build()).execute();
		}
		catch (IOException e) {
			boolean repeatable = request.body() == null || !request.body().isOneShot();
			if (!repeatable || !tracker.failedOnStaleConnection(e)) {
				throw e;
			}
			resentOnNewConnection.increment();
			return clients.fresh().newCall(request).execute();
		}
	}

	/** How many requests were sent again on a new connection because a reused one had been closed. */
	public long resentOnNewConnection() {
		return resentOnNewConnection.sum();
	}

	private Clients clients(Duration timeout) {
		OkHttpClient pooled = base.newBuilder()
			.readTimeout(timeout)
			.writeTimeout(timeout)
			.callTimeout(timeout)
			.build();
		OkHttpClient fresh = pooled.newBuilder()
			.connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
			.eventListener(EventListener.NONE)
			.build();
		return new Clients(pooled, fresh);
	}

	/**
	 * What the server asked for with {@code Retry-After}: seconds, or an HTTP date; null when absent or unreadable.
	 */
	public static Duration retryAfter(String header, Instant now) {
		if (header == null || header.isBlank()) {
			return null;
		}
		String value = header.strip();
		try {
			long seconds = Long.parseLong(value);
			return seconds < 0 ? null : Duration.ofSeconds(seconds);
		}
		catch (NumberFormatException notSeconds) {
			try {
				Duration until = Duration.between(now,
						ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
				return until.isNegative() ? Duration.ZERO : until;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	/**
	 * OkHttp retires a connection on {@code Connection: close} but keeps HTTP/1.0 ones, which the server closes after
	 * the response; the next request on it would fail. {@link RealConnection#noNewExchanges()} is how OkHttp itself
	 * retires a connection.
	 */
	private static Response retireClosingConnections(Interceptor.Chain chain) throws IOException {
		Response response = chain.proceed(chain.request());
		Connection connection = chain.connection();
		if (closesAfter(response) && connection instanceof RealConnection real) {
			real.noNewExchanges();
		}
		return response;
	}

	static boolean closesAfter(Response response) {
		String connection = response.header("Connection");
		String tokens = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
		if (tokens.contains("close")) {
			return true;
		}
		return response.protocol() == Protocol.HTTP_1_0 && !tokens.contains("keep-alive");
	}

	private static EventListener trackerOf(Call call) {
		ReuseTracker tracker = call.request().tag(ReuseTracker.class);
		return tracker == null ? EventListener.NONE : tracker;
	}

	/** Follows one call: whether it went out on a pooled connection, and whether a response began to arrive. */
	private static final class ReuseTracker extends EventListener {

		private volatile boolean connecting;
		private volatile boolean reused;
		private volatile boolean answered;

		@Override
		public void connectStart(Call call, java.net.InetSocketAddress address, Proxy proxy) {
			connecting = true;
		}

		@Override
		public void connectionAcquired(Call call, Connection connection) {
			reused = !connecting;
		}

		@Override
		public void responseHeadersEnd(Call call, Response response) {
			answered = true;
		}

		/** A reused connection that the server had closed: no answer came, and it was not a deadline. */
		boolean failedOnStaleConnection(IOException e) {
			return reused && !answered && !(e instanceof InterruptedIOException);
		}
	}
}
