package io.handoff.studio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.BusinessNumberId;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Ids;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SecretBox;
import io.handoff.platform.Timestamps;
import io.handoff.platform.Tokens;
import io.handoff.platform.WorkspaceId;
import io.handoff.webhooks.Signatures;

/**
 * Bots of a workspace: their triggers, hook URLs, mapping and flow. Managing bots is for Owners, Team Leads and API
 * keys, checked here on the server.
 */
@Service
public class BotService {

	static final int MAX_NAME = 100;
	private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
	private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
	private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

	private final Bots bots;
	private final TeamService team;
	private final SecretBox box;
	private final HookUrls urls;
	private final Runner runner;
	private final StudioProperties properties;
	private final JsonMapper json;
	private final Clock clock;

	BotService(Bots bots, TeamService team, SecretBox box, HookUrls urls, Runner runner, StudioProperties properties,
			JsonMapper json, Clock clock) {
		this.bots = bots;
		this.team = team;
		this.box = box;
		this.urls = urls;
		this.runner = runner;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * A bot's settings as a request gives them; null keeps the current value on update.
	 *
	 * @param secret for {@code standard_webhooks} a {@code whsec_} secret, for {@code header} the header's value
	 */
	public record Settings(String name, Bot.Status status, Bot.TriggerType trigger, Bot.AuthType auth,
			String authHeader, String secret, List<BusinessNumberId> businessNumberIds) {
	}

	@Transactional
	public Bot create(Caller caller, Settings settings) {
		caller.requireManager();
		WorkspaceId workspace = caller.workspaceId();
		BotId id = BotId.next();
		Instant now = Timestamps.now(clock);
		String token = Tokens.random(24);
		Bots.Stored bot = apply(workspace, new Bots.Stored(id, workspace, null, Bot.Status.DRAFT,
				settings.trigger() == null ? Bot.TriggerType.WEBHOOK : settings.trigger(), seal(id, token),
				Bot.AuthType.NONE, null, null, List.of(), "[]", "[]", null, null, null, now, now), settings, true);
		bots.insert(bot, Tokens.hash(token));
		return view(bot);
	}

	@Transactional
	public Bot update(Caller caller, BotId id, Settings settings) {
		caller.requireManager();
		Bots.Stored current = stored(caller.workspaceId(), id);
		Bots.Stored updated = apply(caller.workspaceId(), current, settings, false);
		bots.update(updated, Timestamps.now(clock));
		return get(caller, id);
	}

	@Transactional
	public void delete(Caller caller, BotId id) {
		caller.requireManager();
		stored(caller.workspaceId(), id);
		bots.delete(caller.workspaceId(), id);
	}

	public Bot get(Caller caller, BotId id) {
		caller.requireManager();
		return view(stored(caller.workspaceId(), id));
	}

	public Page<Bot> list(Caller caller, PageRequest page) {
		caller.requireManager();
		return Page.of(bots.list(caller.workspaceId(), page).stream().map(this::view).toList(), page.limit(),
				b -> b.id().value());
	}

	/** Gives the bot a new hook URL; the old one stops working at once. */
	@Transactional
	public Bot regenerateUrl(Caller caller, BotId id) {
		caller.requireManager();
		stored(caller.workspaceId(), id);
		String token = Tokens.random(24);
		bots.replaceToken(caller.workspaceId(), id, Tokens.hash(token), seal(id, token), Timestamps.now(clock));
		return get(caller, id);
	}

	/** A variable as a request gives it; type defaults to text. */
	public record VariableSettings(String name, String path, Variable.Type type, Boolean required,
			String defaultValue, List<Variable.Transform> transforms) {
	}

	/** Replaces the bot's mapping. */
	@Transactional
	public Bot setVariables(Caller caller, BotId id, List<VariableSettings> requested) {
		caller.requireManager();
		Bots.Stored current = stored(caller.workspaceId(), id);
		if (requested == null) {
			throw new HandoffException.InvalidInput("variables", "must be a list");
		}
		if (requested.size() > properties.maxVariables()) {
			throw new HandoffException.InvalidInput("variables", "may hold at most " + properties.maxVariables());
		}
		List<Variable> variables = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < requested.size(); i++) {
			String field = "variables[" + i + "]";
			VariableSettings v = requested.get(i);
			if (v == null) {
				throw new HandoffException.InvalidInput(field, "must be an object");
			}
			if (v.name() == null || !VARIABLE_NAME.matcher(v.name()).matches()) {
				throw new HandoffException.InvalidInput(field + ".name",
						"must start with a letter and hold only letters, digits and _ (at most 64)");
			}
			if (!names.add(v.name())) {
				throw new HandoffException.InvalidInput(field + ".name", "'" + v.name() + "' is defined twice");
			}
			Variable.Type type = v.type() == null ? Variable.Type.TEXT : v.type();
			List<Variable.Transform> transforms = v.transforms() == null ? List.of() : List.copyOf(v.transforms());
			if (!transforms.isEmpty() && type != Variable.Type.TEXT) {
				throw new HandoffException.InvalidInput(field + ".transforms", "apply to text variables only");
			}
			if (v.defaultValue() != null && v.defaultValue().length() > 1000) {
				throw new HandoffException.InvalidInput(field + ".defaultValue", "must be at most 1000 characters");
			}
			variables.add(new Variable(v.name(), Paths.toPointer(v.path(), field + ".path"), type,
					Boolean.TRUE.equals(v.required()), v.defaultValue(), transforms));
		}
		bots.update(withVariables(current, json.writeValueAsString(variables)), Timestamps.now(clock));
		return get(caller, id);
	}

	/** A step as a request gives it; a step without an id gets one. */
	public record StepSettings(String id, String type, String name, Step.Condition condition, ObjectNode config) {
	}

	/** Replaces the bot's flow; every step's settings are checked by its action. */
	@Transactional
	public Bot setSteps(Caller caller, BotId id, List<StepSettings> requested) {
		caller.requireManager();
		Bots.Stored current = stored(caller.workspaceId(), id);
		if (requested == null) {
			throw new HandoffException.InvalidInput("steps", "must be a list");
		}
		if (requested.size() > properties.maxSteps()) {
			throw new HandoffException.InvalidInput("steps", "may hold at most " + properties.maxSteps());
		}
		Set<String> variableNames = new HashSet<>();
		variables(current).forEach(v -> variableNames.add(v.name()));
		List<Step> steps = new ArrayList<>();
		Set<String> ids = new LinkedHashSet<>();
		for (int i = 0; i < requested.size(); i++) {
			String field = "steps[" + i + "]";
			StepSettings s = requested.get(i);
			if (s == null) {
				throw new HandoffException.InvalidInput(field, "must be an object");
			}
			String stepId = s.id() == null || s.id().isBlank() ? Ids.next("stp") : s.id().strip();
			if (!STEP_ID.matcher(stepId).matches()) {
				throw new HandoffException.InvalidInput(field + ".id", "must be 1 to 64 letters, digits, _ or -");
			}
			if (!ids.add(stepId)) {
				throw new HandoffException.InvalidInput(field + ".id", "'" + stepId + "' is used by another step");
			}
			StepAction action = s.type() == null ? null : runner.action(s.type().strip().toLowerCase(Locale.ROOT));
			if (action == null) {
				throw new HandoffException.InvalidInput(field + ".type", "must be one of " + String.join(", ",
						runner.types().stream().sorted().toList()));
			}
			if (s.name() != null && s.name().length() > MAX_NAME) {
				throw new HandoffException.InvalidInput(field + ".name", "must be at most " + MAX_NAME + " characters");
			}
			Step.Condition condition = s.condition();
			if (condition != null) {
				if (condition.variable() == null || !variableNames.contains(condition.variable())) {
					throw new HandoffException.InvalidInput(field + ".condition.variable",
							"must name one of the bot's variables" + (variableNames.isEmpty() ? " (it has none yet)"
									: ": " + String.join(", ", variableNames.stream().sorted().toList())));
				}
				if (condition.operator() == null) {
					throw new HandoffException.InvalidInput(field + ".condition.operator",
							"must be one of equals, not_equals, contains, is_empty, is_not_empty");
				}
				boolean needsValue = switch (condition.operator()) {
					case EQUALS, NOT_EQUALS, CONTAINS -> true;
					case IS_EMPTY, IS_NOT_EMPTY -> false;
				};
				if (needsValue && condition.value() == null) {
					throw new HandoffException.InvalidInput(field + ".condition.value",
							"is required for " + condition.operator().name().toLowerCase(Locale.ROOT));
				}
			}
			ObjectNode config = action.validate(caller.workspaceId(),
					s.config() == null ? json.createObjectNode() : s.config(), field + ".config");
			steps.add(new Step(stepId, action.type(), s.name() == null ? null : s.name().strip(), condition, config));
		}
		bots.update(withSteps(current, json.writeValueAsString(steps)), Timestamps.now(clock));
		return get(caller, id);
	}

	Bots.Stored stored(WorkspaceId workspace, BotId id) {
		return bots.find(workspace, id).orElseThrow(() -> new HandoffException.NotFound("id", "bot", id.value()));
	}

	List<Variable> variables(Bots.Stored bot) {
		return json.readValue(bot.variables(), new TypeReference<List<Variable>>() {
		});
	}

	Bot view(Bots.Stored bot) {
		String hookUrl = bot.triggerType() == Bot.TriggerType.WEBHOOK
				? urls.hookUrl(box.decrypt(bot.hookTokenSealed(), tokenContext(bot.id()))) : null;
		Bot.HookAuth auth = bot.triggerType() == Bot.TriggerType.WEBHOOK
				? new Bot.HookAuth(bot.authType(), bot.authHeader()) : null;
		return new Bot(bot.id(), bot.name(), bot.status(),
				new Bot.Trigger(bot.triggerType(), hookUrl, auth, bot.businessNumberIds()), variables(bot),
				json.readValue(bot.steps(), new TypeReference<List<Step>>() {
				}), bot.sampleRequestId(), bot.createdAt(), bot.updatedAt());
	}

	static String tokenContext(BotId id) {
		return "bot-hook:" + id.value();
	}

	static String secretContext(BotId id) {
		return "bot-hook-secret:" + id.value();
	}

	private String seal(BotId id, String token) {
		return box.encrypt(token, tokenContext(id));
	}

	private Bots.Stored apply(WorkspaceId workspace, Bots.Stored current, Settings s, boolean creating) {
		String name = current.name();
		if (creating || s.name() != null) {
			if (s.name() == null || s.name().isBlank()) {
				throw new HandoffException.InvalidInput("name", "must not be blank");
			}
			if (s.name().strip().length() > MAX_NAME) {
				throw new HandoffException.InvalidInput("name", "must be at most " + MAX_NAME + " characters");
			}
			name = s.name().strip();
		}
		Bot.TriggerType trigger = s.trigger() != null ? s.trigger() : current.triggerType();
		Bot.AuthType auth = s.auth() != null ? s.auth() : current.authType();
		String header = s.authHeader() != null ? s.authHeader().strip() : current.authHeader();
		String secret = current.hookSecretSealed();
		if (s.auth() != null && s.auth() != current.authType() && s.secret() == null && auth != Bot.AuthType.NONE) {
			throw new HandoffException.InvalidInput("secret", "is required when auth changes to "
					+ auth.name().toLowerCase(Locale.ROOT));
		}
		if (auth == Bot.AuthType.NONE) {
			header = null;
			secret = null;
		}
		else if (s.secret() != null) {
			if (auth == Bot.AuthType.STANDARD_WEBHOOKS && !Signatures.validSecret(s.secret().strip())) {
				throw new HandoffException.InvalidInput("secret",
						"must be a Standard Webhooks secret: whsec_ followed by base64 of at least 16 bytes");
			}
			if (auth == Bot.AuthType.HEADER && (s.secret().length() < 8 || s.secret().length() > 1024)) {
				throw new HandoffException.InvalidInput("secret", "must be 8 to 1024 characters");
			}
			secret = box.encrypt(s.secret().strip(), secretContext(current.id()));
		}
		if (auth == Bot.AuthType.HEADER) {
			if (header == null || !HEADER_NAME.matcher(header).matches()) {
				throw new HandoffException.InvalidInput("authHeader", "must be a header name, e.g. X-Webhook-Secret");
			}
		}
		else {
			header = null;
		}
		if (auth != Bot.AuthType.NONE && secret == null) {
			throw new HandoffException.InvalidInput("secret", "is required for " + auth.name().toLowerCase(Locale.ROOT));
		}
		List<BusinessNumberId> numbers = s.businessNumberIds() != null ? List.copyOf(new LinkedHashSet<>(s.businessNumberIds()))
				: current.businessNumberIds();
		for (int i = 0; i < numbers.size(); i++) {
			team.number(workspace, numbers.get(i), "businessNumberIds[" + i + "]");
		}
		if (trigger == Bot.TriggerType.INCOMING_MESSAGE && numbers.isEmpty()) {
			throw new HandoffException.InvalidInput("businessNumberIds",
					"must name at least one business number for an incoming_message trigger");
		}
		Bot.Status status = s.status() != null ? s.status() : current.status();
		return new Bots.Stored(current.id(), workspace, name, status, trigger, current.hookTokenSealed(), auth,
				header, secret, numbers, current.variables(), current.steps(), current.captureStartedAt(),
				current.captureUntil(), current.sampleRequestId(), current.createdAt(), current.updatedAt());
	}

	private static Bots.Stored withVariables(Bots.Stored b, String variables) {
		return new Bots.Stored(b.id(), b.workspace(), b.name(), b.status(), b.triggerType(), b.hookTokenSealed(),
				b.authType(), b.authHeader(), b.hookSecretSealed(), b.businessNumberIds(), variables, b.steps(),
				b.captureStartedAt(), b.captureUntil(), b.sampleRequestId(), b.createdAt(), b.updatedAt());
	}

	private static Bots.Stored withSteps(Bots.Stored b, String steps) {
		return new Bots.Stored(b.id(), b.workspace(), b.name(), b.status(), b.triggerType(), b.hookTokenSealed(),
				b.authType(), b.authHeader(), b.hookSecretSealed(), b.businessNumberIds(), b.variables(), steps,
				b.captureStartedAt(), b.captureUntil(), b.sampleRequestId(), b.createdAt(), b.updatedAt());
	}

	Duration captureWindow() {
		return properties.captureWindow();
	}
}
