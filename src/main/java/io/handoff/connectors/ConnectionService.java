package io.handoff.connectors;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Ids;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.SecretBox;
import io.handoff.platform.SqlValues;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;
import io.handoff.platform.UrlGuard;

/**
 * Connections of a workspace: the credentials steps use to reach HTTP APIs, Google Sheets and CRMs. Secrets are
 * sealed at rest and never shown again; base URLs pass the URL guard. For Owners, Team Leads and API keys.
 */
@Service
public class ConnectionService {

	private static final Map<String, String> ZOHO_DATA_CENTRES = Map.of("com", "https://www.zohoapis.com", "eu",
			"https://www.zohoapis.eu", "in", "https://www.zohoapis.in", "com.au", "https://www.zohoapis.com.au", "jp",
			"https://www.zohoapis.jp", "ca", "https://www.zohoapis.ca", "com.cn", "https://www.zohoapis.com.cn");

	private static final String SELECT = """
			SELECT id, type, name, settings, secrets_sealed, created_at, updated_at FROM connections
			""";

	private final JdbcClient jdbc;
	private final SecretBox box;
	private final UrlGuard guard;
	private final JsonMapper json;
	private final Clock clock;

	ConnectionService(JdbcClient jdbc, SecretBox box, UrlGuard guard, JsonMapper json, Clock clock) {
		this.jdbc = jdbc;
		this.box = box;
		this.guard = guard;
		this.json = json;
		this.clock = clock;
	}

	/** A connection as a request gives it; on update null keeps what is stored. */
	public record Settings(Connection.Type type, String name, ObjectNode settings, ObjectNode secrets) {
	}

	/** A connection with its secrets unsealed, for a step that is about to use it. */
	public record Resolved(String id, Connection.Type type, String name, ObjectNode settings, ObjectNode secrets) {

		public String setting(String name) {
			JsonNode value = settings.get(name);
			return value == null || value.isNull() ? null : value.asString();
		}

		public String secret(String name) {
			JsonNode value = secrets.get(name);
			return value == null || value.isNull() ? null : value.asString();
		}
	}

	@Transactional
	public Connection create(Caller caller, Settings request) {
		caller.requireManager();
		if (request.type() == null) {
			throw new HandoffException.InvalidInput("type",
					"is required: http, google_service_account, hubspot, zoho, salesforce, openai or whatsapp_cloud");
		}
		String id = Ids.next("conn");
		Checked checked = check(request.type(), request.settings(), request.secrets(), null);
		Instant now = Timestamps.now(clock);
		jdbc.sql("""
				INSERT INTO connections (id, workspace_id, type, name, settings, secrets_sealed, created_at, updated_at)
				VALUES (:id, :workspace, :type, :name, :settings, :secrets, :now, :now)
				""")
			.param("id", id)
			.param("workspace", caller.workspaceId().value())
			.param("type", request.type().name().toLowerCase(Locale.ROOT))
			.param("name", name(request.name(), null))
			.param("settings", checked.settings().toString())
			.param("secrets", box.encrypt(checked.secrets().toString(), context(id)))
			.param("now", SqlValues.timestamp(now))
			.update();
		return get(caller, id);
	}

	@Transactional
	public Connection update(Caller caller, String id, Settings request) {
		caller.requireManager();
		Resolved current = resolve(caller.workspaceId(), id, null, "id");
		if (request.type() != null && request.type() != current.type()) {
			throw new HandoffException.InvalidInput("type", "cannot change; create a new connection instead");
		}
		ObjectNode settings = current.settings().deepCopy();
		if (request.settings() != null) {
			settings.setAll(request.settings());
		}
		ObjectNode secrets = current.secrets().deepCopy();
		if (request.secrets() != null) {
			secrets.setAll(request.secrets());
		}
		Checked checked = check(current.type(), settings, secrets, current);
		jdbc.sql("""
				UPDATE connections SET name = :name, settings = :settings, secrets_sealed = :secrets, updated_at = :now
				WHERE workspace_id = :workspace AND id = :id
				""")
			.param("id", id)
			.param("workspace", caller.workspaceId().value())
			.param("name", name(request.name(), current.name()))
			.param("settings", checked.settings().toString())
			.param("secrets", box.encrypt(checked.secrets().toString(), context(id)))
			.param("now", SqlValues.timestamp(Timestamps.now(clock)))
			.update();
		return get(caller, id);
	}

	@Transactional
	public void delete(Caller caller, String id) {
		caller.requireManager();
		resolve(caller.workspaceId(), id, null, "id");
		jdbc.sql("DELETE FROM connections WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", caller.workspaceId().value())
			.param("id", id)
			.update();
	}

	public Connection get(Caller caller, String id) {
		caller.requireManager();
		return jdbc.sql(SELECT + "WHERE workspace_id = :workspace AND id = :id")
			.param("workspace", caller.workspaceId().value())
			.param("id", id)
			.query(this::view)
			.optional()
			.orElseThrow(() -> new HandoffException.NotFound("id", "connection", id));
	}

	public Page<Connection> list(Caller caller, PageRequest page) {
		caller.requireManager();
		List<Connection> rows = jdbc.sql(SELECT + """
				WHERE workspace_id = :workspace AND (CAST(:after AS text) IS NULL OR id < :after)
				ORDER BY id DESC LIMIT :limit
				""")
			.param("workspace", caller.workspaceId().value())
			.param("after", page.after())
			.param("limit", page.fetchSize())
			.query(this::view)
			.list();
		return Page.of(rows, page.limit(), Connection::id);
	}

	/**
	 * The connection with its secrets, checked to be of {@code type} (any when null); a missing one names
	 * {@code field}.
	 */
	public Resolved resolve(WorkspaceId workspace, String id, Connection.Type type, String field) {
		Resolved found = jdbc.sql("SELECT id, type, name, settings, secrets_sealed FROM connections WHERE workspace_id = :w AND id = :id")
			.param("w", workspace.value())
			.param("id", id)
			.query((rs, n) -> new Resolved(rs.getString("id"),
					Connection.Type.valueOf(rs.getString("type").toUpperCase(Locale.ROOT)), rs.getString("name"),
					(ObjectNode) json.readTree(rs.getString("settings")),
					(ObjectNode) json.readTree(box.decrypt(rs.getString("secrets_sealed"), context(rs.getString("id"))))))
			.optional()
			.orElseThrow(() -> new HandoffException.NotFound(field, "connection", id));
		if (type != null && found.type() != type) {
			throw new HandoffException.InvalidInput(field, "must be a " + type.name().toLowerCase(Locale.ROOT)
					+ " connection; " + id + " is " + found.type().name().toLowerCase(Locale.ROOT));
		}
		return found;
	}

	/**
	 * The newest connection of {@code type} whose setting {@code name} is {@code value} (a WhatsApp number's
	 * connection by its phone number id, for one), with its secrets.
	 */
	public java.util.Optional<Resolved> findBySetting(WorkspaceId workspace, Connection.Type type, String name, String value) {
		return jdbc.sql("""
				SELECT id FROM connections
				WHERE workspace_id = :w AND type = :type AND CAST(settings AS jsonb) ->> :name = :value
				ORDER BY updated_at DESC, id DESC LIMIT 1
				""")
			.param("w", workspace.value())
			.param("type", type.name().toLowerCase(Locale.ROOT))
			.param("name", name)
			.param("value", value)
			.query(String.class)
			.optional()
			.map(id -> resolve(workspace, id, type, "connectionId"));
	}

	/** Parses a service account's private key (PKCS#8 PEM, as in Google's JSON key files). */
	static PrivateKey privateKey(String pem) throws java.security.GeneralSecurityException {
		String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
		return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
	}

	private record Checked(ObjectNode settings, ObjectNode secrets) {
	}

	private Checked check(Connection.Type type, ObjectNode givenSettings, ObjectNode givenSecrets, Resolved current) {
		ObjectNode in = givenSettings == null ? json.createObjectNode() : givenSettings;
		ObjectNode secretsIn = givenSecrets == null ? json.createObjectNode() : givenSecrets;
		ObjectNode settings = json.createObjectNode();
		ObjectNode secrets = json.createObjectNode();
		switch (type) {
			case HTTP -> {
				String auth = text(in, "auth", "none").toLowerCase(Locale.ROOT);
				settings.put("auth", auth);
				switch (auth) {
					case "none" -> {
					}
					case "basic" -> {
						settings.put("username", required(in, "username", "settings.username"));
						secrets.put("password", required(secretsIn, "password", "secrets.password"));
					}
					case "bearer" -> secrets.put("token", required(secretsIn, "token", "secrets.token"));
					case "header" -> {
						settings.put("headerName", required(in, "headerName", "settings.headerName"));
						secrets.put("headerValue", required(secretsIn, "headerValue", "secrets.headerValue"));
					}
					default -> throw new HandoffException.InvalidInput("settings.auth",
							"must be none, basic, bearer or header");
				}
			}
			case GOOGLE_SERVICE_ACCOUNT -> {
				JsonNode key = secretsIn.get("key");
				if (key != null && key.isString()) {
					try {
						key = json.readTree(key.asString());
					}
					catch (JacksonException e) {
						throw new HandoffException.InvalidInput("secrets.key", "is not the JSON key file of a service account");
					}
				}
				if (key != null && key.isObject()) {
					String email = key.path("client_email").asString("");
					String pem = key.path("private_key").asString("");
					if (email.isBlank() || pem.isBlank()) {
						throw new HandoffException.InvalidInput("secrets.key",
								"must hold client_email and private_key (download a JSON key of the service account)");
					}
					try {
						privateKey(pem);
					}
					catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
						throw new HandoffException.InvalidInput("secrets.key", "private_key is not an RSA key in PKCS#8 PEM");
					}
					settings.put("clientEmail", email);
					settings.put("tokenUri", key.path("token_uri").asString("https://oauth2.googleapis.com/token"));
					secrets.put("privateKey", pem);
				}
				else if (current != null && current.secret("privateKey") != null) {
					settings.put("clientEmail", current.setting("clientEmail"));
					settings.put("tokenUri", current.setting("tokenUri"));
					secrets.put("privateKey", current.secret("privateKey"));
				}
				else {
					throw new HandoffException.InvalidInput("secrets.key", "is required: the service account's JSON key");
				}
				guard.check("secrets.key.token_uri", settings.get("tokenUri").asString());
				baseUrl(in, settings, "baseUrl");
			}
			case HUBSPOT -> {
				secrets.put("token", required(secretsIn, "token", "secrets.token"));
				baseUrl(in, settings, "baseUrl");
			}
			case ZOHO -> {
				secrets.put("token", required(secretsIn, "token", "secrets.token"));
				String centre = text(in, "dataCentre", null);
				if (centre != null) {
					String base = ZOHO_DATA_CENTRES.get(centre.toLowerCase(Locale.ROOT));
					if (base == null) {
						throw new HandoffException.InvalidInput("settings.dataCentre",
								"must be one of " + String.join(", ", ZOHO_DATA_CENTRES.keySet().stream().sorted().toList()));
					}
					settings.put("dataCentre", centre.toLowerCase(Locale.ROOT));
					settings.put("baseUrl", base);
				}
				baseUrl(in, settings, "baseUrl");
			}
			case OPENAI -> {
				secrets.put("apiKey", required(secretsIn, "apiKey", "secrets.apiKey"));
				String base = text(in, "baseUrl", "https://api.openai.com/v1");
				guard.check("settings.baseUrl", base);
				settings.put("baseUrl", trimSlash(base));
			}
			case WHATSAPP_CLOUD -> {
				secrets.put("accessToken", required(secretsIn, "accessToken", "secrets.accessToken"));
				settings.put("phoneNumberId", graphId(in, "phoneNumberId", true,
						"the Phone number ID of the number in Meta's WhatsApp Manager (API Setup)"));
				String account = graphId(in, "businessAccountId", false, "the WhatsApp Business Account ID");
				if (account != null) {
					settings.put("businessAccountId", account);
				}
				String version = text(in, "apiVersion", "v23.0");
				if (!version.matches("v\\d{1,2}\\.\\d")) {
					throw new HandoffException.InvalidInput("settings.apiVersion", "must look like v23.0");
				}
				settings.put("apiVersion", version);
				String base = text(in, "baseUrl", "https://graph.facebook.com");
				guard.check("settings.baseUrl", base);
				settings.put("baseUrl", trimSlash(base));
			}
			case SALESFORCE -> {
				secrets.put("token", required(secretsIn, "token", "secrets.token"));
				String instance = required(in, "instanceUrl", "settings.instanceUrl");
				guard.check("settings.instanceUrl", instance);
				settings.put("instanceUrl", trimSlash(instance));
				String version = text(in, "apiVersion", "v60.0");
				if (!version.matches("v\\d{2}\\.\\d")) {
					throw new HandoffException.InvalidInput("settings.apiVersion", "must look like v60.0");
				}
				settings.put("apiVersion", version);
			}
		}
		return new Checked(settings, secrets);
	}

	/** A Graph API object id (digits only), required or not. */
	private static String graphId(ObjectNode in, String name, boolean isRequired, String what) {
		String value = text(in, name, null);
		if (value == null) {
			if (isRequired) {
				throw new HandoffException.InvalidInput("settings." + name, "is required: " + what);
			}
			return null;
		}
		if (!value.matches("\\d{5,30}")) {
			throw new HandoffException.InvalidInput("settings." + name, "must be digits only: " + what);
		}
		return value;
	}

	private void baseUrl(ObjectNode in, ObjectNode settings, String name) {
		String url = text(in, name, null);
		if (url != null) {
			guard.check("settings." + name, url);
			settings.put(name, trimSlash(url));
		}
	}

	/** A connection as shown: settings, and only the names of its secrets. */
	private Connection view(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
		ObjectNode secrets = (ObjectNode) json.readTree(box.decrypt(rs.getString("secrets_sealed"), context(rs.getString("id"))));
		List<String> secretNames = new ArrayList<>();
		secrets.propertyNames().forEach(secretNames::add);
		return new Connection(rs.getString("id"), Connection.Type.valueOf(rs.getString("type").toUpperCase(Locale.ROOT)),
				rs.getString("name"), (ObjectNode) json.readTree(rs.getString("settings")), secretNames,
				SqlValues.instant(rs, "created_at"), SqlValues.instant(rs, "updated_at"));
	}

	private static String name(String given, String current) {
		if (given == null && current != null) {
			return current;
		}
		if (given == null || given.isBlank()) {
			throw new HandoffException.InvalidInput("name", "must not be blank");
		}
		if (given.strip().length() > 100) {
			throw new HandoffException.InvalidInput("name", "must be at most 100 characters");
		}
		return given.strip();
	}

	private static String required(ObjectNode node, String name, String field) {
		String value = text(node, name, null);
		if (value == null) {
			throw new HandoffException.InvalidInput(field, "is required");
		}
		if (value.length() > 4096) {
			throw new HandoffException.InvalidInput(field, "is too long");
		}
		return value;
	}

	private static String text(ObjectNode node, String name, String otherwise) {
		JsonNode value = node.get(name);
		return value == null || value.isNull() || !value.isString() || value.asString().isBlank() ? otherwise
				: value.asString().strip();
	}

	private static String trimSlash(String url) {
		String u = url.strip();
		return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
	}

	private static String context(String id) {
		return "connection:" + id;
	}
}
