package io.handoff.ai;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.connectors.Connection;
import io.handoff.connectors.ConnectionService;
import io.handoff.platform.WorkspaceId;
import io.handoff.platform.GuardedHttp;

/**
 * Decides a message's intent with the bot's provider. The built-in classifier is trained once per set of example
 * phrases (and again when they change). The OpenAI-compatible provider is asked for JSON; anything wrong with its
 * answer (an error status, a timeout, malformed JSON, an unknown intent) falls back to the built-in classifier.
 */
@Component
class Triage {

	private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

	private final Map<String, IntentClassifier> trained = new ConcurrentHashMap<>();
	private final ConnectionService connections;
	private final GuardedHttp http;
	private final JsonMapper json;
	private final SentenceEmbeddings embeddings;

	Triage(ConnectionService connections, GuardedHttp http, JsonMapper json, SentenceEmbeddings embeddings) {
		this.embeddings = embeddings;
		this.connections = connections;
		this.json = json;
		this.http = http;
	}

	/**
	 * An intent decision.
	 *
	 * @param provider {@code builtin} or {@code openai}
	 * @param providerError why the configured provider was not used, when it was not
	 * @param method how the built-in classifier decided: by meaning and words, or by words alone and why
	 * @param nearest per intent, the example nearest to the message (built-in classifier)
	 */
	record Decision(String intent, double confidence, String provider, String providerError,
			Map<String, Double> confidences, String method, Map<String, IntentClassifier.Nearest> nearest) {
	}

	Decision decide(WorkspaceId workspace, ObjectNode config, String text, List<String> earlier) {
		Map<String, List<String>> examples = new LinkedHashMap<>();
		boolean bankForAll = config.path("phraseBank").asBoolean(false);
		config.path("intents").forEach(intent -> {
			List<String> phrases = new ArrayList<>();
			intent.path("examples").forEach(e -> phrases.add(e.asString()));
			// The built-in phrase bank, where the bot opted in (for every intent named like a bank, or this one).
			String bank = intent.path("phraseBank").asString(bankForAll ? intent.path("name").asString() : null);
			if (bank != null) {
				phrases.addAll(PhraseBank.PHRASES.getOrDefault(bank, List.of()));
			}
			examples.put(intent.path("name").asString(), phrases);
		});
		String error = null;
		if (config.path("provider").asString("builtin").equals("openai")) {
			try {
				return openAi(workspace, config, examples, text, earlier);
			}
			catch (ProviderFailed e) {
				error = e.getMessage();
			}
		}
		IntentClassifier classifier = classifier(examples);
		IntentClassifier.Prediction prediction = classifier.classify(text, embedding(classifier, text));
		if (prediction.confidence() < config.path("threshold").asDouble(0.5) && !earlier.isEmpty()) {
			// A short message ("yes", "ok") may only make sense with what came before it.
			String joined = String.join(" ", earlier) + " " + text;
			IntentClassifier.Prediction withContext = classifier.classify(joined, embedding(classifier, joined));
			if (withContext.confidence() > prediction.confidence()) {
				prediction = withContext;
			}
		}
		String method = classifier.usesMeaning() ? "meaning (sentence embeddings) and words"
				: "words only: " + embeddings.unavailable();
		return new Decision(prediction.intent(), prediction.confidence(), "builtin", error, prediction.confidences(),
				method, prediction.nearest());
	}

	private float[] embedding(IntentClassifier classifier, String text) {
		return classifier.usesMeaning() ? embeddings.embed(text).orElse(null) : null;
	}

	/** The classifier for a set of examples, trained once (with their embeddings when the model is there). */
	private IntentClassifier classifier(Map<String, List<String>> examples) {
		boolean meaning = embeddings.model().isPresent();
		String key = meaning + json.valueToTree(examples).toString();
		if (trained.size() > 500) {
			trained.clear();
		}
		return trained.computeIfAbsent(key, k -> IntentClassifier.train(examples,
				meaning ? phrase -> embeddings.embed(phrase).orElseThrow() : null));
	}

	private Decision openAi(WorkspaceId workspace, ObjectNode config, Map<String, List<String>> examples, String text,
			List<String> earlier) throws ProviderFailed {
		ConnectionService.Resolved connection = connections.resolve(workspace, config.path("connectionId").asString(),
				Connection.Type.OPENAI, "connectionId");
		ObjectNode request = json.createObjectNode();
		request.put("model", config.path("model").asString("gpt-4o-mini"));
		request.put("temperature", 0);
		request.putObject("response_format").put("type", "json_object");
		ArrayNode messages = request.putArray("messages");
		StringBuilder system = new StringBuilder("You route customer messages of a business on WhatsApp. Decide the intent "
				+ "of the customer's latest message. Intents, with example phrases:\n");
		examples.forEach((intent, phrases) -> system.append("- ").append(intent).append(": ")
			.append(String.join(" | ", phrases.subList(0, Math.min(phrases.size(), 8)))).append('\n'));
		system.append("Answer with JSON only: {\"intent\": one of the intents above, \"confidence\": a number from 0 to 1}.");
		messages.addObject().put("role", "system").put("content", system.toString());
		if (!earlier.isEmpty()) {
			messages.addObject().put("role", "user").put("content", "Earlier messages: " + String.join(" / ", earlier));
		}
		messages.addObject().put("role", "user").put("content", text);
		Duration timeout = Duration.ofSeconds(config.path("timeoutSeconds").asInt(5));
		Request call = new Request.Builder().url(connection.setting("baseUrl") + "/chat/completions")
			.header("Authorization", "Bearer " + connection.secret("apiKey"))
			.post(RequestBody.create(request.toString(), JSON))
			.build();
		String body;
		// One try: on any failure the built-in classifier answers at once, rather than keep the customer waiting.
		try (Response response = http.execute(call, timeout)) {
			body = response.body() == null ? "" : response.body().string();
			if (!response.isSuccessful()) {
				throw new ProviderFailed("the provider answered " + response.code());
			}
		}
		catch (IOException e) {
			throw new ProviderFailed(e instanceof java.io.InterruptedIOException ? "the provider timed out after "
					+ timeout.toSeconds() + " s" : "the provider could not be reached: " + e.getClass().getSimpleName());
		}
		try {
			JsonNode content = json.readTree(json.readTree(body).path("choices").path(0).path("message").path("content")
				.asString(""));
			String intent = content.path("intent").asString("");
			double confidence = content.path("confidence").asDouble(-1);
			if (!examples.containsKey(intent)) {
				throw new ProviderFailed("the provider answered an unknown intent '" + intent + "'");
			}
			if (!content.path("confidence").isNumber() || confidence < 0 || confidence > 1) {
				throw new ProviderFailed("the provider's confidence is not a number from 0 to 1");
			}
			Map<String, Double> confidences = new LinkedHashMap<>();
			confidences.put(intent, confidence);
			return new Decision(intent, confidence, "openai", null, confidences, null, Map.of());
		}
		catch (RuntimeException e) {
			throw new ProviderFailed("the provider's answer is not the JSON asked for");
		}
	}

	static final class ProviderFailed extends Exception {

		ProviderFailed(String message) {
			super(message, null, false, false);
		}
	}
}
