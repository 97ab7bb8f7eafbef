package io.handoff.studio;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.MessageReceived;
import io.handoff.platform.GroupCommit;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Ids;
import io.handoff.platform.Notifications;
import io.handoff.platform.SecretBox;
import io.handoff.platform.Timestamps;
import io.handoff.platform.Tokens;
import io.handoff.webhooks.Signatures;

/**
 * Where triggers fire. A request to a bot's URL is checked (signature or shared secret), stored with secret headers
 * masked, taken as the bot's sample if Capture Response is waiting, and queued as a run if the bot is active, all in
 * one transaction (shared with the requests that arrived at the same moment): once the caller has its answer, the run
 * is durable. Messages arriving on a number queue runs of
 * the bots listening there, in the transaction that stores the message.
 */
@Service
class HookService implements SmartLifecycle {

	static final String CAPTURES = "handoff_captures";
	static final Duration SIGNATURE_TOLERANCE = Duration.ofMinutes(5);
	private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
			"set-cookie", "x-api-key", "api-key", "x-auth-token", "x-hub-signature", "x-hub-signature-256");
	private static final List<String> SECRET_WORDS = List.of("secret", "token", "password", "apikey", "api_key",
			"api-key", "signature", "auth");

	private final Bots bots;
	private final Requests requests;
	private final Runs runs;
	private final SecretBox box;
	private final Notifications notifications;
	private final JsonMapper json;
	private final Clock clock;
	private final HookRateLimit rateLimit;

	private final GroupCommit<Arrival> arrivals;

	HookService(Bots bots, Requests requests, Runs runs, SecretBox box, Notifications notifications, JsonMapper json,
			Clock clock, HookRateLimit rateLimit, TransactionTemplate transactions) {
		this.arrivals = new GroupCommit<>("hook-arrivals", 200, transactions, this::store, batch -> {
			if (batch.stream().anyMatch(a -> a.run != null)) {
				runs.notifyRunners();
			}
		});
		this.rateLimit = rateLimit;
		this.bots = bots;
		this.requests = requests;
		this.runs = runs;
		this.box = box;
		this.notifications = notifications;
		this.json = json;
		this.clock = clock;
	}

	/** What became of a request: stored as {@code requestId}, taken as the sample, and/or queued as {@code runId}. */
	record Received(String requestId, boolean captured, RunId runId) {
	}

	/** A request as it came in, headers unmasked; only what the bot needs is kept. */
	record Incoming(String method, Map<String, List<String>> headers, String queryString, String contentType,
			byte[] body, String sourceIp) {

		String header(String name) {
			List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
			return values == null || values.isEmpty() ? null : values.getFirst();
		}
	}

	/**
	 * Checks a request to a bot's URL and stores it (and its run, and the bot's sample if Capture Response waits),
	 * durably, before returning. Requests arriving together are stored in one transaction ({@link GroupCommit}).
	 */
	public Received receive(String token, Incoming incoming) {
		Bots.Stored bot = bots.findByTokenHash(Tokens.hash(token))
			.orElseThrow(() -> new HandoffException.NotFound(null, "bot with this URL", "/hooks/…"));
		Duration wait = rateLimit.take(bot.id());
		if (!wait.isZero()) {
			throw new HandoffException.TooManyRequests("This bot's URL takes at most " + rateLimit.describe()
					+ "; try again in a moment", wait);
		}
		authenticate(bot, incoming);
		Bodies.Parsed body = Bodies.parse(incoming.contentType(), incoming.body(), json);
		Instant now = Timestamps.now(clock);
		boolean capturing = bot.captureUntil() != null && !bot.captureUntil().isBefore(now);
		if (bot.status() != Bot.Status.ACTIVE && !capturing) {
			throw new NotActive(bot.status());
		}
		InboundRequest request = new InboundRequest(Ids.next("req"), incoming.method(), maskedHeaders(bot, incoming),
				maskedQuery(incoming.queryString()), incoming.contentType(), body.node(), body.encoding(),
				incoming.sourceIp(), now);
		RunId run = bot.status() == Bot.Status.ACTIVE ? RunId.next() : null;
		Arrival arrival = new Arrival(bot, request, body.text(), capturing, run,
				run == null ? null : request.document(json).toString());
		arrivals.write(arrival);
		if (run == null && !arrival.captured) {
			// Capture Response ended between reading the bot and storing: nothing was kept.
			throw new NotActive(bot.status());
		}
		return new Received(request.id(), arrival.captured, run);
	}

	/** A checked request on its way to the database, and whether it was taken as the bot's sample. */
	private static final class Arrival {

		final Bots.Stored bot;
		final InboundRequest request;
		final String bodyText;
		final boolean capturing;
		final RunId run;
		final String input;
		volatile boolean captured;

		Arrival(Bots.Stored bot, InboundRequest request, String bodyText, boolean capturing, RunId run, String input) {
			this.bot = bot;
			this.request = request;
			this.bodyText = bodyText;
			this.capturing = capturing;
			this.run = run;
			this.input = input;
		}
	}

	/** Stores a batch of arrivals in the current transaction: the requests in one round trip, the runs in another. */
	private void store(List<Arrival> batch) {
		requests.insertAll(batch.stream()
			.map(a -> new Requests.New(a.bot.workspace(), a.bot.id(), a.request, a.bodyText))
			.toList());
		for (Arrival arrival : batch) {
			arrival.captured = arrival.capturing
					&& bots.captureIfWaiting(arrival.bot.id(), arrival.request.id(), arrival.request.receivedAt());
			if (arrival.captured) {
				notifications.notify(CAPTURES, arrival.bot.id().value());
			}
			else if (arrival.run == null) {
				requests.delete(arrival.bot.workspace(), arrival.request.id());
			}
		}
		List<Runs.NewWebhookRun> queued = batch.stream()
			.filter(a -> a.run != null)
			.map(a -> new Runs.NewWebhookRun(a.run, a.bot.workspace(), a.bot.id(), a.request.id(), a.input,
					a.request.receivedAt()))
			.toList();
		if (!queued.isEmpty()) {
			runs.insertAll(queued);
		}
	}

	@Override
	public void start() {
		arrivals.start();
	}

	@Override
	public void stop() {
		arrivals.stop(Duration.ofSeconds(10));
	}

	@Override
	public boolean isRunning() {
		return arrivals.isRunning();
	}

	/** Stops after the web server, so that every request it accepted is stored. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/** Queues a run of every active bot listening for messages on the number, in the message's transaction. */
	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(MessageReceived received) {
		List<Bots.Stored> listening = bots.onIncomingMessage(received.workspaceId(), received.number().id());
		if (listening.isEmpty()) {
			return;
		}
		ObjectNode input = json.createObjectNode();
		ObjectNode message = input.putObject("message");
		message.put("id", received.message().id());
		message.put("externalId", received.message().externalId());
		message.put("type", received.message().type());
		message.put("text", received.message().body());
		message.put("sentAt", Timestamps.format(received.message().sentAt()));
		ObjectNode customer = input.putObject("customer");
		customer.put("id", received.customer().id().value());
		customer.put("name", received.customer().name());
		customer.put("phone", received.customer().phone());
		ObjectNode chat = input.putObject("chat");
		chat.put("id", received.chat().id().value());
		chat.put("assigneeId", received.chat().assigneeId() == null ? null : received.chat().assigneeId().value());
		ObjectNode number = input.putObject("businessNumber");
		number.put("id", received.number().id().value());
		number.put("number", received.number().number());
		number.put("displayName", received.number().displayName());
		Instant now = Timestamps.now(clock);
		for (Bots.Stored bot : listening) {
			runs.insert(RunId.next(), received.workspaceId(), bot.id(), "incoming_message", null, null,
					received.chat().id().value(), input.toString(), now);
		}
		runs.notifyRunners();
	}

	private void authenticate(Bots.Stored bot, Incoming incoming) {
		switch (bot.authType()) {
			case NONE -> {
			}
			case HEADER -> {
				String expected = box.decrypt(bot.hookSecretSealed(), BotService.secretContext(bot.id()));
				String presented = incoming.header(bot.authHeader());
				if (presented == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
						presented.getBytes(StandardCharsets.UTF_8))) {
					throw new Unauthorized("invalid_secret",
							"The " + bot.authHeader() + " header is missing or does not hold this bot's secret");
				}
			}
			case STANDARD_WEBHOOKS -> {
				String secret = box.decrypt(bot.hookSecretSealed(), BotService.secretContext(bot.id()));
				String id = incoming.header("webhook-id");
				String timestamp = incoming.header("webhook-timestamp");
				String signature = incoming.header("webhook-signature");
				if (id == null || timestamp == null || signature == null) {
					throw new Unauthorized("invalid_signature",
							"Signed requests carry webhook-id, webhook-timestamp and webhook-signature headers");
				}
				long seconds;
				try {
					seconds = Long.parseLong(timestamp.strip());
				}
				catch (NumberFormatException e) {
					throw new Unauthorized("invalid_signature", "webhook-timestamp must be Unix seconds");
				}
				Duration skew = Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs();
				if (skew.compareTo(SIGNATURE_TOLERANCE) > 0) {
					throw new Unauthorized("invalid_signature",
							"webhook-timestamp is more than 5 minutes from now; the request may be a replay");
				}
				if (!Signatures.verify(secret, id, seconds, incoming.body(), signature)) {
					throw new Unauthorized("invalid_signature", "webhook-signature does not match the body");
				}
			}
		}
	}

	private Map<String, String> maskedHeaders(Bots.Stored bot, Incoming incoming) {
		Map<String, String> headers = new LinkedHashMap<>();
		incoming.headers().forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			String value = String.join(", ", values);
			boolean secret = SECRET_HEADERS.contains(lower) || SECRET_WORDS.stream().anyMatch(lower::contains)
					|| (bot.authHeader() != null && lower.equalsIgnoreCase(bot.authHeader()));
			headers.put(lower, secret ? mask(value) : value);
		});
		return headers;
	}

	private static ObjectNode maskedQuery(String queryString) {
		ObjectNode query = Bodies.form(queryString);
		for (String name : List.copyOf(query.propertyNames())) {
			String lower = name.toLowerCase(Locale.ROOT);
			if (SECRET_WORDS.stream().anyMatch(lower::contains) || lower.equals("key")) {
				JsonNode value = query.get(name);
				query.put(name, mask(value.isString() ? value.asString() : value.toString()));
			}
		}
		return query;
	}

	/** Keeps a hint of a secret (its scheme word, and its last 4 characters when long) and hides the rest. */
	static String mask(String value) {
		String scheme = "";
		String secret = value;
		int space = value.indexOf(' ');
		if (space > 0 && space < 12) {
			scheme = value.substring(0, space + 1);
			secret = value.substring(space + 1);
		}
		return scheme + "••••" + (secret.length() >= 20 ? secret.substring(secret.length() - 4) : "");
	}

	/** The bot is a draft or paused, and is not capturing. */
	static final class NotActive extends HandoffException {

		NotActive(Bot.Status status) {
			super(null, "The bot is " + status.name().toLowerCase(Locale.ROOT)
					+ ": activate it to run on requests, or start Capture Response to catch one as a sample");
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.CONFLICT;
		}

		@Override
		public String code() {
			return "bot_not_active";
		}
	}

	/** The request did not prove it comes from the bot's expected sender. */
	static final class Unauthorized extends HandoffException {

		private final String code;

		Unauthorized(String code, String message) {
			super(null, message);
			this.code = code;
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.UNAUTHORIZED;
		}

		@Override
		public String code() {
			return code;
		}
	}
}
