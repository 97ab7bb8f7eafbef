package io.handoff.channels;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.handoff.inbox.BusinessNumber;
import io.handoff.inbox.MessageService;
import io.handoff.inbox.TeamService;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.SecretBox;
import io.handoff.platform.SqlValues;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;

/**
 * The WhatsApp Cloud API webhook of a workspace. Meta verifies the callback URL with a {@code GET} handshake that
 * echoes {@code hub.challenge} when {@code hub.verify_token} matches, then {@code POST}s notifications signed with the
 * app secret in {@code X-Hub-Signature-256}. Each message finds or creates its customer (number from {@code wa_id},
 * name from the contact's profile) and the open chat on the business number Meta names by {@code phone_number_id};
 * a message id seen before is ignored, since Meta delivers at least once and not always in order.
 */
@Service
public class WhatsAppService {

	private static final Logger log = LoggerFactory.getLogger(WhatsAppService.class);

	private final JdbcClient jdbc;
	private final SecretBox box;
	private final TeamService team;
	private final MessageService messages;
	private final JsonMapper json;
	private final GraphApi graph;
	private final Clock clock;

	WhatsAppService(JdbcClient jdbc, SecretBox box, TeamService team, MessageService messages, JsonMapper json,
			GraphApi graph, Clock clock) {
		this.graph = graph;
		this.jdbc = jdbc;
		this.box = box;
		this.team = team;
		this.messages = messages;
		this.json = json;
		this.clock = clock;
	}

	/** The channel's settings as shown: never the secrets. */
	public record Channel(boolean configured, String callbackPath, Instant updatedAt) {
	}

	@Transactional
	public Channel configure(Caller caller, String appSecret, String verifyToken) {
		caller.requireManager();
		if (appSecret == null || appSecret.isBlank() || appSecret.strip().length() > 256) {
			throw new HandoffException.InvalidInput("appSecret", "is required: the App Secret of your Meta app (Settings → Basic)");
		}
		if (verifyToken == null || verifyToken.strip().length() < 8 || verifyToken.strip().length() > 256) {
			throw new HandoffException.InvalidInput("verifyToken",
					"must be 8 to 256 characters: the same Verify Token you enter in Meta's webhook settings");
		}
		WorkspaceId workspace = caller.workspaceId();
		Instant now = Timestamps.now(clock);
		jdbc.sql("""
				INSERT INTO whatsapp_channels (workspace_id, app_secret_sealed, verify_token_sealed, created_at, updated_at)
				VALUES (:workspace, :secret, :token, :now, :now)
				ON CONFLICT (workspace_id) DO UPDATE SET app_secret_sealed = EXCLUDED.app_secret_sealed,
				    verify_token_sealed = EXCLUDED.verify_token_sealed, updated_at = EXCLUDED.updated_at
				""")
			.param("workspace", workspace.value())
			.param("secret", box.encrypt(appSecret.strip(), secretContext(workspace)))
			.param("token", box.encrypt(verifyToken.strip(), tokenContext(workspace)))
			.param("now", SqlValues.timestamp(now))
			.update();
		return channel(caller);
	}

	public Channel channel(Caller caller) {
		caller.requireManager();
		return stored(caller.workspaceId())
			.map(s -> new Channel(true, callbackPath(caller.workspaceId()), s.updatedAt()))
			.orElse(new Channel(false, callbackPath(caller.workspaceId()), null));
	}

	/** Meta's handshake: the challenge to echo, when the mode and token are right. */
	String verify(WorkspaceId workspace, String mode, String token, String challenge) {
		Stored channel = stored(workspace).orElseThrow(NotConfigured::new);
		String expected = box.decrypt(channel.verifyTokenSealed(), tokenContext(workspace));
		if (!"subscribe".equals(mode) || token == null || !MessageDigest.isEqual(
				expected.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
			throw new Rejected(HttpStatus.FORBIDDEN, "verify_token_mismatch",
					"hub.mode must be subscribe and hub.verify_token must match the channel's verify token");
		}
		if (challenge == null || challenge.isBlank()) {
			throw new HandoffException.InvalidInput("hub.challenge", "is required");
		}
		return challenge;
	}

	/**
	 * What a notification held: messages stored now, messages seen before, what could not be used, and statuses of
	 * sent messages that moved them on.
	 */
	public record Result(int stored, int duplicates, int skipped, int statuses) {
	}

	/** Verifies and records a notification, in one transaction. */
	@Transactional
	public Result receive(WorkspaceId workspace, byte[] body, String signatureHeader) {
		Stored channel = stored(workspace).orElseThrow(NotConfigured::new);
		String secret = box.decrypt(channel.appSecretSealed(), secretContext(workspace));
		if (!validSignature(secret, body, signatureHeader)) {
			throw new Rejected(HttpStatus.UNAUTHORIZED, "invalid_signature",
					"X-Hub-Signature-256 is missing or is not the HMAC-SHA256 of the body with the app secret");
		}
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (JacksonException e) {
			throw new HandoffException.InvalidInput("body", "is not valid JSON: " + e.getOriginalMessage());
		}
		if (!"whatsapp_business_account".equals(root.path("object").asString(""))) {
			throw new HandoffException.InvalidInput("object", "must be whatsapp_business_account");
		}
		int stored = 0;
		int duplicates = 0;
		int skipped = 0;
		int statuses = 0;
		for (JsonNode entry : root.path("entry")) {
			for (JsonNode change : entry.path("changes")) {
				if (!"messages".equals(change.path("field").asString(""))) {
					continue;
				}
				JsonNode value = change.path("value");
				for (JsonNode status : value.path("statuses")) {
					if (applyStatus(workspace, status)) {
						statuses++;
					}
				}
				String phoneNumberId = value.path("metadata").path("phone_number_id").asString(null);
				Optional<BusinessNumber> number = phoneNumberId == null ? Optional.empty()
						: team.numberByPhoneNumberId(workspace, phoneNumberId);
				if (number.isEmpty()) {
					skipped += value.path("messages").size();
					log.warn("WhatsApp notification for phone_number_id {} that no business number of {} has", phoneNumberId,
							workspace);
					continue;
				}
				Map<String, String> names = new HashMap<>();
				for (JsonNode contact : value.path("contacts")) {
					names.put(contact.path("wa_id").asString(""), contact.path("profile").path("name").asString(null));
				}
				for (JsonNode message : value.path("messages")) {
					String from = message.path("from").asString(null);
					String id = message.path("id").asString(null);
					if (from == null || id == null) {
						skipped++;
						continue;
					}
					String type = message.path("type").asString("unknown");
					Instant sentAt = sentAt(message.path("timestamp").asString(""));
					var recorded = messages.recordInbound(workspace, new MessageService.Inbound(number.get(), from,
							names.get(from), id, type, text(message, type), sentAt));
					if (recorded.isPresent()) {
						stored++;
					}
					else {
						duplicates++;
					}
				}
			}
		}
		return new Result(stored, duplicates, skipped, statuses);
	}

	/**
	 * A status of a message the business sent ({@code sent}, {@code delivered}, {@code read}, {@code failed} with
	 * Meta's errors); statuses come in any order and more than once, and only ever move a message forward.
	 */
	private boolean applyStatus(WorkspaceId workspace, JsonNode status) {
		String id = status.path("id").asString(null);
		String state = status.path("status").asString("");
		if (id == null || !List.of("sent", "delivered", "read", "failed").contains(state)) {
			return false;
		}
		Instant at = sentAt(status.path("timestamp").asString(""));
		Integer code = null;
		String reason = null;
		if ("failed".equals(state)) {
			JsonNode error = status.path("errors").path(0);
			code = error.path("code").isNumber() ? error.path("code").asInt() : null;
			reason = graph.refusal(200, json.createObjectNode().set("error", error).toString()).reason();
		}
		return messages.applyStatus(workspace, id, state, at != null ? at : Timestamps.now(clock), code, reason);
	}

	private static Instant sentAt(String unixSeconds) {
		try {
			return Instant.ofEpochSecond(Long.parseLong(unixSeconds.strip()));
		}
		catch (NumberFormatException e) {
			return null;
		}
	}

	private static String text(JsonNode message, String type) {
		return switch (type) {
			case "text" -> message.path("text").path("body").asString(null);
			case "button" -> message.path("button").path("text").asString(null);
			case "interactive" -> message.path("interactive").path("button_reply").path("title")
				.asString(message.path("interactive").path("list_reply").path("title").asString(null));
			default -> message.path(type).path("caption").asString(null);
		};
	}

	static boolean validSignature(String secret, byte[] body, String header) {
		if (header == null || !header.startsWith("sha256=")) {
			return false;
		}
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
			return MessageDigest.isEqual(expected,
					header.substring("sha256=".length()).strip().toLowerCase().getBytes(StandardCharsets.US_ASCII));
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
		}
	}

	private record Stored(String appSecretSealed, String verifyTokenSealed, Instant updatedAt) {
	}

	private Optional<Stored> stored(WorkspaceId workspace) {
		return jdbc.sql("SELECT app_secret_sealed, verify_token_sealed, updated_at FROM whatsapp_channels WHERE workspace_id = :w")
			.param("w", workspace.value())
			.query((rs, n) -> new Stored(rs.getString(1), rs.getString(2), SqlValues.instant(rs, "updated_at")))
			.optional();
	}

	static String callbackPath(WorkspaceId workspace) {
		return "/channels/whatsapp/" + workspace.value();
	}

	private static String secretContext(WorkspaceId workspace) {
		return "whatsapp-app-secret:" + workspace.value();
	}

	private static String tokenContext(WorkspaceId workspace) {
		return "whatsapp-verify-token:" + workspace.value();
	}

	/** No WhatsApp channel here: the URL is wrong or the workspace has not set one up. */
	static final class NotConfigured extends HandoffException {

		NotConfigured() {
			super(null, "No WhatsApp channel is set up at this URL");
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.NOT_FOUND;
		}

		@Override
		public String code() {
			return "not_found";
		}
	}

	static final class Rejected extends HandoffException {

		private final HttpStatus status;
		private final String code;

		Rejected(HttpStatus status, String code, String message) {
			super(null, message);
			this.status = status;
			this.code = code;
		}

		@Override
		public HttpStatus status() {
			return status;
		}

		@Override
		public String code() {
			return code;
		}
	}
}
