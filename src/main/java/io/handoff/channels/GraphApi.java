package io.handoff.channels;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.connectors.ConnectionService;
import io.handoff.platform.GuardedHttp;
import io.handoff.platform.UrlGuard;

/**
 * The two calls of Meta's Graph API that replies need, through the guarded client: send a message from a phone
 * number ({@code POST /{version}/{phone-number-id}/messages}) and list a business account's message templates
 * ({@code GET /{version}/{waba-id}/message_templates}). Errors come back as Meta's code with a reason in plain
 * words, and whether trying again may help.
 */
@Component
class GraphApi {

	private static final MediaType JSON = MediaType.get("application/json");

	/**
	 * Codes Meta documents as temporary: API and service errors, and every rate limit (application, business
	 * account, throughput, pair).
	 */
	private static final Set<Integer> TRANSIENT = Set.of(1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131056, 133004);

	private static final Map<Integer, String> REASONS = Map.ofEntries(
			Map.entry(131047, "More than 24 hours have passed since the customer last wrote, so WhatsApp only accepts an approved template now."),
			Map.entry(131026, "WhatsApp could not deliver it: the number may not use WhatsApp, or the customer's app is out of date or has not accepted WhatsApp's latest terms."),
			Map.entry(131049, "Meta held it back to protect the customer from too many business messages. Try again later, or wait for the customer to write."),
			Map.entry(131050, "The customer has stopped marketing messages from this business."),
			Map.entry(131051, "WhatsApp does not support this kind of message."),
			Map.entry(131052, "WhatsApp could not download the customer's media."),
			Map.entry(131053, "WhatsApp could not upload the media."),
			Map.entry(131021, "The recipient is the business number itself."),
			Map.entry(131031, "Meta has locked or restricted this WhatsApp Business Account."),
			Map.entry(131042, "There is a payment problem on the WhatsApp Business Account: check its payment method in Meta Business Suite."),
			Map.entry(131045, "This phone number is not registered for the Cloud API."),
			Map.entry(131008, "A required parameter is missing."),
			Map.entry(131009, "A parameter has a value WhatsApp does not accept."),
			Map.entry(132000, "The template expects a different number of parameters."),
			Map.entry(132001, "The template does not exist in this language, or is not approved."),
			Map.entry(132005, "The template's text with its parameters is too long."),
			Map.entry(132007, "The template's content breaks WhatsApp's policy."),
			Map.entry(132012, "A template parameter has the wrong format."),
			Map.entry(132015, "The template is paused because of its low quality rating."),
			Map.entry(132016, "The template has been disabled."),
			Map.entry(130429, "WhatsApp's sending rate limit for this number was reached."),
			Map.entry(131056, "Too many messages to this customer in a short time."),
			Map.entry(80007, "The WhatsApp Business Account's rate limit was reached."),
			Map.entry(4, "The app's rate limit for Meta's API was reached."),
			Map.entry(190, "The access token has expired or was revoked: update the WhatsApp connection in Settings → Connections."),
			Map.entry(10, "The access token may not send from this number (it needs whatsapp_business_messaging)."),
			Map.entry(200, "The access token may not send from this number (it needs whatsapp_business_messaging)."),
			Map.entry(368, "The number is temporarily blocked for breaking WhatsApp's policies."),
			Map.entry(131000, "WhatsApp had an internal problem."),
			Map.entry(131016, "WhatsApp's service is unavailable for the moment."),
			Map.entry(133004, "WhatsApp's server is unavailable for the moment."));

	private final GuardedHttp http;
	private final WhatsAppProperties properties;
	private final JsonMapper json;

	GraphApi(GuardedHttp http, WhatsAppProperties properties, JsonMapper json) {
		this.http = http;
		this.properties = properties;
		this.json = json;
	}

	/** What Meta said to a send: the message id it gave, or why not. */
	sealed interface Sent permits Accepted, Refused {
	}

	record Accepted(String messageId) implements Sent {
	}

	/**
	 * @param code Meta's error code, or null when no answer came
	 * @param reason for a person: what happened and what to do
	 * @param retry whether trying again later may help
	 */
	record Refused(Integer code, String reason, boolean retry) implements Sent {
	}

	/** Sends one message (the body of Meta's {@code messages} call) from the connection's phone number. */
	Sent send(ConnectionService.Resolved connection, ObjectNode message) throws InterruptedException {
		HttpUrl url = base(connection).addPathSegment(connection.setting("phoneNumberId")).addPathSegment("messages").build();
		Request request = new Request.Builder().url(url)
			.header("Authorization", "Bearer " + connection.secret("accessToken"))
			.post(RequestBody.create(message.toString(), JSON))
			.build();
		try (Response response = http.execute(request, properties.timeout())) {
			String body = response.body() == null ? "" : response.body().string();
			if (response.isSuccessful()) {
				String id = parse(body).path("messages").path(0).path("id").asString("");
				return id.isBlank() ? new Refused(null, "WhatsApp answered without a message id", false) : new Accepted(id);
			}
			return refusal(response.code(), body);
		}
		catch (UrlGuard.BlockedAddressException e) {
			return new Refused(null, "The connection's base URL is not allowed: " + e.getMessage(), false);
		}
		catch (ConnectException | NoRouteToHostException | UnknownHostException e) {
			return new Refused(null, "Could not reach WhatsApp (" + e.getClass().getSimpleName() + ")", true);
		}
		catch (SocketTimeoutException e) {
			if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
				return new Refused(null, "Could not reach WhatsApp in time", true);
			}
			return unknownOutcome();
		}
		catch (IOException e) {
			if (Thread.currentThread().isInterrupted()) {
				throw new InterruptedException("stopping");
			}
			return unknownOutcome();
		}
	}

	/**
	 * The request left but no answer came: WhatsApp has no idempotency key for messages, so sending again could
	 * reach the customer twice. The message fails, and says so, rather than risk that.
	 */
	private Refused unknownOutcome() {
		return new Refused(null, "WhatsApp did not answer in time, so it is not known whether the customer got this message. "
				+ "Check before sending it again.", false);
	}

	/** Meta could not list the templates: the reason in plain words. */
	static final class TemplatesUnavailable extends Exception {

		TemplatesUnavailable(String message) {
			super(message, null, false, false);
		}
	}

	/**
	 * The business account's approved templates (every page of them). Only templates whose header needs no media
	 * are offered: the composer sends text parameters.
	 */
	List<WhatsAppTemplate> templates(ConnectionService.Resolved connection) throws TemplatesUnavailable, InterruptedException {
		String account = connection.setting("businessAccountId");
		if (account == null) {
			throw new TemplatesUnavailable("The WhatsApp connection " + connection.name()
					+ " has no WhatsApp Business Account ID, which templates are listed by: add it in Settings → Connections");
		}
		List<WhatsAppTemplate> templates = new ArrayList<>();
		String after = null;
		for (int page = 0; page < 20; page++) {
			HttpUrl.Builder url = base(connection).addPathSegment(account).addPathSegment("message_templates")
				.addQueryParameter("fields", "name,language,status,category,components,parameter_format")
				.addQueryParameter("status", "APPROVED")
				.addQueryParameter("limit", "100");
			if (after != null) {
				url.addQueryParameter("after", after);
			}
			Request request = new Request.Builder().url(url.build())
				.header("Authorization", "Bearer " + connection.secret("accessToken"))
				.get()
				.build();
			JsonNode root;
			try (Response response = http.execute(request, properties.timeout())) {
				String body = response.body() == null ? "" : response.body().string();
				if (!response.isSuccessful()) {
					throw new TemplatesUnavailable("WhatsApp did not list the templates: " + refusal(response.code(), body).reason());
				}
				root = parse(body);
			}
			catch (IOException e) {
				if (Thread.currentThread().isInterrupted()) {
					throw new InterruptedException("stopping");
				}
				throw new TemplatesUnavailable("Could not reach WhatsApp to list the templates (" + e.getClass().getSimpleName() + ")");
			}
			for (JsonNode t : root.path("data")) {
				if (!"APPROVED".equalsIgnoreCase(t.path("status").asString("APPROVED"))) {
					continue;
				}
				WhatsAppTemplate template = template(t);
				if (template != null) {
					templates.add(template);
				}
			}
			after = root.path("paging").path("cursors").path("after").asString(null);
			if (after == null || root.path("paging").path("next").isMissingNode()) {
				break;
			}
		}
		return templates;
	}

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

	private static WhatsAppTemplate template(JsonNode t) {
		String header = null;
		String body = null;
		String footer = null;
		for (JsonNode component : t.path("components")) {
			switch (component.path("type").asString("").toUpperCase(Locale.ROOT)) {
				case "HEADER" -> {
					if (!"TEXT".equalsIgnoreCase(component.path("format").asString("TEXT"))) {
						return null;
					}
					header = component.path("text").asString("");
					if (PLACEHOLDER.matcher(header).find()) {
						return null;
					}
				}
				case "BODY" -> body = component.path("text").asString("");
				case "FOOTER" -> footer = component.path("text").asString("");
				case "BUTTONS" -> {
					for (JsonNode button : component.path("buttons")) {
						if (PLACEHOLDER.matcher(button.path("url").asString("")).find()) {
							return null;
						}
					}
				}
				default -> {
				}
			}
		}
		if (body == null) {
			return null;
		}
		return new WhatsAppTemplate(t.path("name").asString(""), t.path("language").asString(""),
				t.path("category").asString("").toLowerCase(Locale.ROOT), header, body, footer, parameters(body));
	}

	/** The body's placeholders in order of first appearance: {@code 1, 2, …} or names. */
	static List<String> parameters(String body) {
		Map<String, Boolean> seen = new LinkedHashMap<>();
		Matcher m = PLACEHOLDER.matcher(body);
		while (m.find()) {
			seen.put(m.group(1), true);
		}
		return List.copyOf(seen.keySet());
	}

	/** The body with its placeholders filled in, as the customer will read it. */
	static String render(String body, Map<String, String> values) {
		Matcher m = PLACEHOLDER.matcher(body);
		StringBuilder out = new StringBuilder();
		while (m.find()) {
			m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
		}
		m.appendTail(out);
		return out.toString();
	}

	/** Meta's error body ({@code {"error": {"code", "message", "error_data": {"details"}}}}) in plain words. */
	Refused refusal(int status, String body) {
		JsonNode error = parse(body).path("error");
		Integer code = error.path("code").isNumber() ? error.path("code").asInt() : null;
		String details = error.path("error_data").path("details").asString(error.path("message").asString(""));
		String reason = code != null && REASONS.containsKey(code) ? REASONS.get(code)
				: details.isBlank() ? "WhatsApp answered HTTP " + status : "WhatsApp refused it: " + details;
		if (Integer.valueOf(100).equals(code) && !details.isBlank()) {
			reason = "WhatsApp refused a parameter: " + details;
		}
		boolean retry = code != null ? TRANSIENT.contains(code) : status == 429 || status >= 500;
		return new Refused(code, reason, retry);
	}

	private JsonNode parse(String body) {
		try {
			return body == null || body.isBlank() ? json.createObjectNode() : json.readTree(body);
		}
		catch (JacksonException e) {
			return json.createObjectNode();
		}
	}

	private static HttpUrl.Builder base(ConnectionService.Resolved connection) {
		HttpUrl base = HttpUrl.get(connection.setting("baseUrl"));
		return base.newBuilder().addPathSegment(connection.setting("apiVersion"));
	}
}
