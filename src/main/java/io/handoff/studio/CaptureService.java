package io.handoff.studio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Notifications;
import io.handoff.platform.Timestamps;

/**
 * Capture Response and View Response Data. Starting a capture makes the bot's next request (within the window) its
 * sample, even while the bot is a draft. A caller waiting on the capture is answered the moment the request
 * arrives, on whichever node it arrived: the accepting transaction's {@code NOTIFY} completes the waiting request.
 */
@Service
public class CaptureService {

	private final BotService bots;
	private final Bots store;
	private final Requests requests;
	private final StudioProperties properties;
	private final JsonMapper json;
	private final Clock clock;
	private final Map<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

	CaptureService(BotService bots, Bots store, Requests requests, Notifications notifications,
			StudioProperties properties, JsonMapper json, Clock clock) {
		this.bots = bots;
		this.store = store;
		this.requests = requests;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
		notifications.listen(HookService.CAPTURES, this::arrived);
	}

	/**
	 * Where a capture stands.
	 *
	 * @param status {@code idle} (none started, or stopped), {@code waiting}, {@code captured} or {@code expired}
	 * @param sample the captured request, once there is one
	 */
	public record Capture(Status status, Instant startedAt, Instant expiresAt, InboundRequest sample) {

		public enum Status {
			@JsonProperty("idle") IDLE, @JsonProperty("waiting") WAITING, @JsonProperty("captured") CAPTURED,
			@JsonProperty("expired") EXPIRED
		}
	}

	/**
	 * View Response Data: the sample, the document variables are mapped from, its fields with example values, and
	 * the bot's current mapping applied to it.
	 */
	public record SampleView(InboundRequest request, ObjectNode document, List<InboundRequest.Field> fields,
			Map<String, JsonNode> variables, List<Mapping.Problem> mappingProblems) {
	}

	@Transactional
	public Capture start(Caller caller, BotId id) {
		bots.get(caller, id);
		Instant now = Timestamps.now(clock);
		store.startCapture(caller.workspaceId(), id, now, now.plus(properties.captureWindow()));
		return capture(bots.stored(caller.workspaceId(), id));
	}

	@Transactional
	public Capture stop(Caller caller, BotId id) {
		bots.get(caller, id);
		store.stopCapture(caller.workspaceId(), id);
		return capture(bots.stored(caller.workspaceId(), id));
	}

	/** The capture's state, waiting up to {@code wait} (capped) while it is still waiting for a request. */
	public Capture await(Caller caller, BotId id, Duration wait) throws InterruptedException {
		bots.get(caller, id);
		Duration bounded = wait == null || wait.isNegative() ? Duration.ZERO
				: wait.compareTo(properties.maxCaptureWait()) > 0 ? properties.maxCaptureWait() : wait;
		long deadline = System.nanoTime() + bounded.toNanos();
		while (true) {
			CompletableFuture<Void> signal = new CompletableFuture<>();
			waiting.computeIfAbsent(id.value(), k -> ConcurrentHashMap.newKeySet()).add(signal);
			try {
				Capture capture = capture(bots.stored(caller.workspaceId(), id));
				long left = deadline - System.nanoTime();
				if (capture.status() != Capture.Status.WAITING || left <= 0) {
					return capture;
				}
				// Woken by the notification; the periodic look covers a notification lost with its connection,
				// and the window's end.
				signal.get(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException | ExecutionException e) {
				// Look again.
			}
			finally {
				waiting.computeIfPresent(id.value(), (k, set) -> {
					set.remove(signal);
					return set.isEmpty() ? null : set;
				});
			}
		}
	}

	/**
	 * Makes a request the bot received before (the one behind a run, or one a webhook delivered) its sample, as if
	 * Capture Response had caught it.
	 */
	@Transactional
	public SampleView useAsSample(Caller caller, BotId id, String requestId) {
		bots.get(caller, id);
		if (requestId == null || requestId.isBlank() || !store.useAsSample(caller.workspaceId(), id, requestId.strip())) {
			throw new HandoffException.NotFound("requestId", "request to this bot", String.valueOf(requestId));
		}
		return sample(caller, id);
	}

	public SampleView sample(Caller caller, BotId id) {
		bots.get(caller, id);
		Bots.Stored bot = bots.stored(caller.workspaceId(), id);
		InboundRequest request = bot.sampleRequestId() == null ? null
				: requests.find(caller.workspaceId(), bot.sampleRequestId()).orElse(null);
		if (request == null) {
			throw new NoSample();
		}
		ObjectNode document = request.document(json);
		Mapping.Result mapped = Mapping.evaluate(bots.variables(bot), document);
		return new SampleView(request, document, InboundRequest.fields(document), mapped.values(), mapped.problems());
	}

	private Capture capture(Bots.Stored bot) {
		Instant now = Timestamps.now(clock);
		if (bot.captureStartedAt() == null) {
			return new Capture(Capture.Status.IDLE, null, null, null);
		}
		if (bot.captureUntil() != null) {
			return new Capture(bot.captureUntil().isAfter(now) ? Capture.Status.WAITING : Capture.Status.EXPIRED,
					bot.captureStartedAt(), bot.captureUntil(), null);
		}
		if (bot.sampleRequestId() != null) {
			var sample = requests.find(bot.workspace(), bot.sampleRequestId());
			if (sample.isPresent() && !sample.get().receivedAt().isBefore(bot.captureStartedAt())) {
				return new Capture(Capture.Status.CAPTURED, bot.captureStartedAt(), null, sample.get());
			}
		}
		return new Capture(Capture.Status.IDLE, bot.captureStartedAt(), null, null);
	}

	/** The bot has caught no request yet. */
	static final class NoSample extends HandoffException {

		NoSample() {
			super(null, "The bot has no sample yet: start Capture Response, send a request to the bot's URL, then look again");
		}

		@Override
		public org.springframework.http.HttpStatus status() {
			return org.springframework.http.HttpStatus.NOT_FOUND;
		}

		@Override
		public String code() {
			return "no_sample";
		}
	}

	private void arrived(String botId) {
		Set<CompletableFuture<Void>> signals = waiting.get(botId);
		if (signals != null) {
			signals.forEach(s -> s.complete(null));
		}
	}
}
