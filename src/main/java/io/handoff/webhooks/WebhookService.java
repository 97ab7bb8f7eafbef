package io.handoff.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import io.handoff.events.EventType;
import io.handoff.inbox.BusinessNumberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SecretBox;
import io.handoff.platform.Timestamps;
import io.handoff.platform.UrlGuard;
import io.handoff.platform.WorkspaceId;

/**
 * Settings → Webhooks: the endpoints of a workspace, their signing secrets and test events. Every action is for
 * Owners, Team Leads and API keys only, checked here on the server whatever the client.
 */
@Service
public class WebhookService {

	static final int MAX_NAME = 100;
	static final int MAX_CREDENTIAL = 1024;
	static final int MAX_RATE_LIMIT = 1000;
	static final int MAX_RETRIES = 20;
	static final Duration MAX_RETRY_DELAY = Duration.ofHours(24);

	private final Endpoints endpoints;
	private final TeamService team;
	private final UrlGuard guard;
	private final List<LocalHooks> localHooks;
	private final SecretBox box;
	private final WebhookProperties properties;
	private final JsonMapper json;
	private final ApplicationEventPublisher publisher;
	private final Clock clock;

	WebhookService(Endpoints endpoints, TeamService team, UrlGuard guard, List<LocalHooks> localHooks, SecretBox box,
			WebhookProperties properties, JsonMapper json, ApplicationEventPublisher publisher, Clock clock) {
		this.endpoints = endpoints;
		this.localHooks = localHooks;
		this.team = team;
		this.guard = guard;
		this.box = box;
		this.properties = properties;
		this.json = json;
		this.publisher = publisher;
		this.clock = clock;
	}

	/**
	 * The URL as stored. One of the workspace's own Bot Studio hooks on this instance is taken as it is (it is
	 * delivered to in-process, so the guard has nothing to protect); anything else must pass the URL guard.
	 */
	private String url(WorkspaceId workspace, String url) {
		java.net.URI parsed = guard.parse("url", url);
		if (localHooks.stream().anyMatch(hooks -> hooks.isLocal(workspace, parsed))) {
			return parsed.toString();
		}
		return guard.check("url", url).toString();
	}

	/** A new endpoint and its signing secret, which the creator sees here and later only on an explicit reveal. */
	public record Created(Endpoint endpoint, String secret) {
	}

	/**
	 * The secrets that sign requests now.
	 *
	 * @param previousSecret the rotated-out secret while it still signs, else null
	 */
	public record Secrets(String secret, String previousSecret, Instant previousSecretExpiresAt) {
	}

	@Transactional
	public Created create(Caller caller, EndpointSettings settings) {
		caller.requireManager();
		WorkspaceId workspace = caller.workspaceId();
		EndpointId id = EndpointId.next();
		Instant now = Timestamps.now(clock);
		if (settings.name() == null || settings.eventTypes() == null || settings.url() == null) {
			String missing = settings.name() == null ? "name" : settings.url() == null ? "url" : "eventTypes";
			throw new HandoffException.InvalidInput(missing, "is required");
		}
		String secret = Signatures.newSecret();
		List<BusinessNumberId> numbers = numbers(workspace, settings.businessNumbers());
		EndpointSettings.Auth auth = settings.auth() == null
				? new EndpointSettings.Auth(Endpoint.AuthType.NONE, null, null, null) : settings.auth();
		StoredEndpoint stored = new StoredEndpoint(id, workspace, name(settings.name()),
				url(workspace, settings.url()), numbers.isEmpty(), numbers,
				eventTypes(settings.eventTypes()), sealHeaders(id, Headers.validate(settings.headers())), auth.type(),
				username(auth), sealAuth(id, auth), or(settings.bodyFormat(), Endpoint.BodyFormat.JSON),
				or(settings.ordering(), Endpoint.Ordering.NONE), rateLimit(settings.rateLimitPerSecond()),
				or(settings.retryOnTimeout(), true), retrySchedule(settings.retrySchedule()), true, null, null, null,
				box.encrypt(secret, context(id, "secret")), null, null, now, now);
		endpoints.insert(stored);
		return new Created(view(stored), secret);
	}

	@Transactional
	public Endpoint update(Caller caller, EndpointId id, EndpointSettings settings) {
		caller.requireManager();
		StoredEndpoint current = stored(caller.workspaceId(), id);
		List<BusinessNumberId> numbers = settings.businessNumbers() == null ? current.businessNumberIds()
				: numbers(caller.workspaceId(), settings.businessNumbers());
		boolean all = settings.businessNumbers() == null ? current.allBusinessNumbers() : numbers.isEmpty();
		EndpointSettings.Auth auth = settings.auth();
		StoredEndpoint updated = new StoredEndpoint(id, current.workspaceId(),
				settings.name() == null ? current.name() : name(settings.name()),
				settings.url() == null ? current.url() : url(caller.workspaceId(), settings.url()), all, numbers,
				settings.eventTypes() == null ? current.eventTypes() : eventTypes(settings.eventTypes()),
				settings.headers() == null ? current.headersEnc()
						: sealHeaders(id, Headers.validate(settings.headers())),
				auth == null ? current.authType() : auth.type(),
				auth == null ? current.authUsername() : username(auth),
				auth == null ? current.authSecretEnc() : sealAuth(id, auth),
				or(settings.bodyFormat(), current.bodyFormat()), or(settings.ordering(), current.ordering()),
				settings.rateLimitPerSecond() == null ? current.rateLimitPerSecond()
						: rateLimit(settings.rateLimitPerSecond() == 0 ? null : settings.rateLimitPerSecond()),
				or(settings.retryOnTimeout(), current.retryOnTimeout()),
				settings.retrySchedule() == null ? current.retrySchedule() : retrySchedule(settings.retrySchedule()),
				current.enabled(), current.disabledReason(), current.disabledAt(), current.failingSince(),
				current.secretEnc(), current.previousSecretEnc(),
				current.previousSecretExpiresAt(), current.createdAt(), Timestamps.now(clock));
		endpoints.updateSettings(updated);
		return view(updated);
	}

	public Endpoint get(Caller caller, EndpointId id) {
		caller.requireManager();
		return view(stored(caller.workspaceId(), id));
	}

	public Page<Endpoint> list(Caller caller, PageRequest page) {
		caller.requireManager();
		return Page.of(endpoints.list(caller.workspaceId(), page), page.limit(), e -> e.id().value()).map(this::view);
	}

	@Transactional
	public void delete(Caller caller, EndpointId id) {
		caller.requireManager();
		if (!endpoints.delete(caller.workspaceId(), id)) {
			throw new HandoffException.NotFound("id", "webhook endpoint", id.value());
		}
	}

	/** Enables or disables an endpoint by hand. Enabling does not resend what was missed while disabled. */
	@Transactional
	public Endpoint setEnabled(Caller caller, EndpointId id, boolean enabled) {
		caller.requireManager();
		stored(caller.workspaceId(), id);
		endpoints.setEnabled(caller.workspaceId(), id, enabled, enabled ? null : "Disabled by " + caller.name(),
				Timestamps.now(clock));
		if (!enabled) {
			publisher.publishEvent(new EndpointDisabled(caller.workspaceId(), id));
		}
		return view(stored(caller.workspaceId(), id));
	}

	public Secrets revealSecret(Caller caller, EndpointId id) {
		caller.requireManager();
		StoredEndpoint endpoint = stored(caller.workspaceId(), id);
		List<String> valid = signingSecrets(endpoint);
		return new Secrets(valid.getFirst(), valid.size() > 1 ? valid.get(1) : null,
				valid.size() > 1 ? endpoint.previousSecretExpiresAt() : null);
	}

	/**
	 * Makes a new secret current. The one it replaces keeps signing, next to it, for the configured overlap, so
	 * receivers can switch without dropping a request.
	 */
	@Transactional
	public Secrets rotateSecret(Caller caller, EndpointId id) {
		caller.requireManager();
		StoredEndpoint endpoint = endpoints.lock(caller.workspaceId(), id)
			.orElseThrow(() -> new HandoffException.NotFound("id", "webhook endpoint", id.value()));
		Instant now = Timestamps.now(clock);
		String previous = box.decrypt(endpoint.secretEnc(), context(id, "secret"));
		String secret = Signatures.newSecret();
		Instant expires = now.plus(properties.secretRotationOverlap());
		endpoints.rotateSecret(caller.workspaceId(), id, box.encrypt(secret, context(id, "secret")),
				box.encrypt(previous, context(id, "previous-secret")), expires, now);
		return new Secrets(secret, previous, expires);
	}

	/**
	 * An endpoint as the delivery engine needs it: its settings and, unsealed, what it takes to reach it.
	 *
	 * @param retrySchedule the endpoint's own delays between attempts; null for the default
	 */
	public record DeliveryTarget(EndpointId id, WorkspaceId workspaceId, String name, String url, boolean enabled,
			boolean ordered, Integer rateLimitPerSecond, boolean retryOnTimeout, List<Duration> retrySchedule,
			WebhookSender.Target target) {
	}

	/** An endpoint that wants an event; {@code ordered} when it takes each chat's events strictly in order. */
	public record Subscriber(EndpointId id, boolean ordered) {
	}

	/** The enabled endpoints that want this event: its type, and its business number if it has one. */
	public List<Subscriber> subscribers(WorkspaceId workspace, EventType type, String businessNumberId) {
		return endpoints.subscribers(workspace, type.wire(), businessNumberId)
			.stream()
			.map(e -> new Subscriber(e.id(), e.ordering() == Endpoint.Ordering.PER_CHAT))
			.toList();
	}

	/** The endpoint for sending to, whoever asks: for the delivery engine, never for showing to users. */
	public Optional<DeliveryTarget> deliveryTarget(WorkspaceId workspace, EndpointId id) {
		return endpoints.find(workspace, id).map(this::deliveryTarget);
	}

	/** The endpoint for a user who may manage it, to send to on their request (tests, resends). */
	public DeliveryTarget deliveryTarget(Caller caller, EndpointId id) {
		caller.requireManager();
		return deliveryTarget(stored(caller.workspaceId(), id));
	}

	/** An attempt succeeded: the endpoint is healthy again. Answers whether it had been failing until now. */
	@Transactional
	public boolean recordSuccess(EndpointId id) {
		return endpoints.recordSuccess(id);
	}

	/** An attempt failed; answers since when the endpoint has been failing without a success. */
	@Transactional
	public Instant recordFailure(EndpointId id, Instant at) {
		return endpoints.recordFailure(id, at);
	}

	/** Disables an endpoint for the engine's own reasons; false when it was disabled already. */
	@Transactional
	public boolean disableAutomatically(WorkspaceId workspace, EndpointId id, String reason) {
		boolean disabled = endpoints.disableIfEnabled(workspace, id, reason, Timestamps.now(clock));
		if (disabled) {
			publisher.publishEvent(new EndpointDisabled(workspace, id));
		}
		return disabled;
	}

	private DeliveryTarget deliveryTarget(StoredEndpoint e) {
		return new DeliveryTarget(e.id(), e.workspaceId(), e.name(), e.url(), e.enabled(),
				e.ordering() == Endpoint.Ordering.PER_CHAT, e.rateLimitPerSecond(), e.retryOnTimeout(),
				e.retrySchedule() == null ? null
						: e.retrySchedule().stream().map(DurationStyle::detectAndParse).toList(),
				target(e));
	}

	/** How to reach and sign for an endpoint, secrets unsealed: for sending only, never for showing. */
	WebhookSender.Target target(StoredEndpoint endpoint) {
		EndpointId id = endpoint.id();
		return new WebhookSender.Target(endpoint.url(), openHeaders(endpoint), endpoint.authType(),
				endpoint.authUsername(),
				endpoint.authSecretEnc() == null ? null : box.decrypt(endpoint.authSecretEnc(), context(id, "auth")),
				endpoint.bodyFormat(), signingSecrets(endpoint));
	}

	private List<String> signingSecrets(StoredEndpoint endpoint) {
		List<String> secrets = new ArrayList<>();
		secrets.add(box.decrypt(endpoint.secretEnc(), context(endpoint.id(), "secret")));
		if (endpoint.previousSecretEnc() != null && endpoint.previousSecretExpiresAt() != null
				&& endpoint.previousSecretExpiresAt().isAfter(Timestamps.now(clock))) {
			secrets.add(box.decrypt(endpoint.previousSecretEnc(), context(endpoint.id(), "previous-secret")));
		}
		return secrets;
	}

	private Endpoint view(StoredEndpoint e) {
		Map<String, String> shown = new LinkedHashMap<>();
		openHeaders(e).forEach((name, value) -> shown.put(name, Headers.mask(name, value)));
		return new Endpoint(e.id(), e.name(), e.url(), e.allBusinessNumbers(), e.businessNumberIds(), e.eventTypes(),
				shown, new Endpoint.AuthView(e.authType(), e.authUsername()), e.bodyFormat(), e.ordering(),
				e.rateLimitPerSecond(), e.retryOnTimeout(), e.retrySchedule(), e.enabled(), e.disabledReason(),
				e.disabledAt(), e.failingSince(), e.createdAt(), e.updatedAt());
	}

	private Map<String, String> openHeaders(StoredEndpoint e) {
		if (e.headersEnc() == null) {
			return Map.of();
		}
		return json.readValue(box.decrypt(e.headersEnc(), context(e.id(), "headers")),
				new TypeReference<LinkedHashMap<String, String>>() {
				});
	}

	private StoredEndpoint stored(WorkspaceId workspace, EndpointId id) {
		return endpoints.find(workspace, id)
			.orElseThrow(() -> new HandoffException.NotFound("id", "webhook endpoint", id.value()));
	}

	private List<BusinessNumberId> numbers(WorkspaceId workspace, List<String> given) {
		if (given == null) {
			return List.of();
		}
		LinkedHashSet<BusinessNumberId> ids = new LinkedHashSet<>();
		for (int i = 0; i < given.size(); i++) {
			ids.add(team.numberByNumberOrId(workspace, given.get(i), "businessNumbers[" + i + "]").id());
		}
		return List.copyOf(ids);
	}

	private static List<String> eventTypes(List<String> given) {
		if (given.isEmpty()) {
			throw new HandoffException.InvalidInput("eventTypes", "must name at least one event type");
		}
		LinkedHashSet<String> types = new LinkedHashSet<>();
		for (int i = 0; i < given.size(); i++) {
			String type = given.get(i);
			if (type == null || EventType.fromWire(type).isEmpty()) {
				throw new HandoffException.InvalidInput("eventTypes[" + i + "]", "'" + type
						+ "' is not an event type; see GET /api/v1/event-types");
			}
			types.add(type);
		}
		return List.copyOf(types);
	}

	/** The endpoint's own retry delays; null (not given) keeps the default, an empty list means no retries. */
	private static List<String> retrySchedule(List<String> given) {
		if (given == null) {
			return null;
		}
		if (given.size() > MAX_RETRIES) {
			throw new HandoffException.InvalidInput("retrySchedule", "at most " + MAX_RETRIES + " retries");
		}
		List<String> schedule = new ArrayList<>();
		for (int i = 0; i < given.size(); i++) {
			String field = "retrySchedule[" + i + "]";
			Duration delay;
			try {
				delay = DurationStyle.detectAndParse(given.get(i) == null ? "" : given.get(i).strip());
			}
			catch (IllegalArgumentException e) {
				throw new HandoffException.InvalidInput(field, "is not a duration such as 30s, 5m or 2h");
			}
			if (delay.isNegative() || delay.compareTo(MAX_RETRY_DELAY) > 0) {
				throw new HandoffException.InvalidInput(field, "must be between 0s and 24h");
			}
			schedule.add(given.get(i).strip());
		}
		return List.copyOf(schedule);
	}

	private static String name(String name) {
		String stripped = name.strip();
		if (stripped.isEmpty()) {
			throw new HandoffException.InvalidInput("name", "is required: a name you will recognise it by");
		}
		if (stripped.length() > MAX_NAME) {
			throw new HandoffException.InvalidInput("name", "must be at most " + MAX_NAME + " characters");
		}
		return stripped;
	}

	private static Integer rateLimit(Integer perSecond) {
		if (perSecond != null && (perSecond < 1 || perSecond > MAX_RATE_LIMIT)) {
			throw new HandoffException.InvalidInput("rateLimitPerSecond", "must be between 1 and " + MAX_RATE_LIMIT);
		}
		return perSecond;
	}

	private static String username(EndpointSettings.Auth auth) {
		return auth.type() == Endpoint.AuthType.BASIC ? auth.username() : null;
	}

	private String sealAuth(EndpointId id, EndpointSettings.Auth auth) {
		if (auth.type() == null) {
			throw new HandoffException.InvalidInput("auth.type", "must be none, basic or bearer");
		}
		return switch (auth.type()) {
			case NONE -> null;
			case BASIC -> {
				credential("auth.username", auth.username());
				if (auth.username().contains(":")) {
					throw new HandoffException.InvalidInput("auth.username", "must not contain ':'");
				}
				yield box.encrypt(credential("auth.password", auth.password()), context(id, "auth"));
			}
			case BEARER -> box.encrypt(credential("auth.token", auth.token()), context(id, "auth"));
		};
	}

	private static String credential(String field, String value) {
		if (value == null || value.isEmpty()) {
			throw new HandoffException.InvalidInput(field, "is required for this authorization type");
		}
		if (value.length() > MAX_CREDENTIAL) {
			throw new HandoffException.InvalidInput(field, "must be at most " + MAX_CREDENTIAL + " characters");
		}
		if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
			throw new HandoffException.InvalidInput(field, "must not contain line breaks or control characters");
		}
		return value;
	}

	private String sealHeaders(EndpointId id, Map<String, String> headers) {
		return headers.isEmpty() ? null : box.encrypt(json.writeValueAsString(headers), context(id, "headers"));
	}

	private static String context(EndpointId id, String what) {
		return "webhook_endpoints/" + id.value() + "/" + what;
	}

	private static <T> T or(T value, T fallback) {
		return value == null ? fallback : value;
	}
}
