package io.handoff.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in triage on messages it was not trained on: 300 messages over six intents (English, Hinglish and mixed,
 * with typos; {@code triage/evaluation.tsv}), a bot trained from six example phrases per intent, none of which is
 * in the evaluation set. Prints the accuracy and the confusion matrix; with sentence embeddings the accuracy must stay
 * at or above 88%.
 */
class TriageEvaluationTest {

	/** Six phrases per intent, as a user would type them into a new bot. */
	static final Map<String, List<String>> EXAMPLES = new LinkedHashMap<>();

	static {
		EXAMPLES.put("sales", List.of("I want to buy the premium plan", "What is the price", "price kya hai",
				"mujhe ye product kharidna hai", "Do you have any discount", "Can I get a quote"));
		EXAMPLES.put("support", List.of("The app is not working", "I can't log in", "login nahi ho raha",
				"app crash ho raha hai", "Getting an error", "How do I set it up"));
		EXAMPLES.put("billing", List.of("I was charged twice", "I need my invoice", "refund chahiye",
				"payment fail ho gaya", "Cancel my subscription", "paise kat gaye"));
		EXAMPLES.put("human", List.of("I want to talk to a human", "Connect me to an agent", "insaan se baat karni hai",
				"real person please", "call me", "mujhe kisi se baat karni hai"));
		EXAMPLES.put("order_status", List.of("Where is my order", "order kab aayega", "Track my parcel",
				"delivery status", "My package has not arrived", "order abhi tak nahi aaya"));
		EXAMPLES.put("complaint", List.of("Very bad service", "The product arrived broken", "bekar quality hai",
				"I want to complain", "You sent the wrong item", "bahut ganda experience"));
	}

	record Labelled(String intent, String text) {
	}

	static List<Labelled> evaluation;

	static List<Labelled> fresh;

	static SentenceEmbeddings embeddings;

	@BeforeAll
	static void load() throws IOException {
		evaluation = read("/triage/evaluation.tsv");
		fresh = read("/triage/fresh.tsv");
		embeddings = new SentenceEmbeddings(true, null);
	}

	static List<Labelled> read(String resource) throws IOException {
		List<Labelled> messages = new ArrayList<>();
		try (InputStream in = TriageEvaluationTest.class.getResourceAsStream(resource)) {
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				if (!line.isBlank() && !line.startsWith("#")) {
					String[] parts = line.split("\t", 2);
					messages.add(new Labelled(parts[0], parts[1].strip()));
				}
			}
		}
		return messages;
	}

	@Test
	void theEvaluationSetIsHeldOut() {
		assertThat(evaluation).hasSizeGreaterThanOrEqualTo(300);
		List<String> examples = EXAMPLES.values().stream().flatMap(List::stream).map(String::toLowerCase).toList();
		assertThat(evaluation).noneMatch(m -> examples.contains(m.text().toLowerCase()));
	}

	@Test
	void withMeaningTheBuiltInTriageGetsAtLeast88PercentOfUnseenMessages() {
		IntentClassifier words = IntentClassifier.train(EXAMPLES);
		IntentClassifier meaning = IntentClassifier.train(EXAMPLES, phrase -> embeddings.embed(phrase).orElseThrow());
		double wordsOnly = accuracy(words, false, "words only");
		double withMeaning = accuracy(meaning, true, "meaning and words");
		assertThat(withMeaning).isGreaterThanOrEqualTo(0.88);
		assertThat(withMeaning).isGreaterThan(wordsOnly);
	}

	/** The same bot on a second set, written after the triage was settled and never used to tune it. */
	@Test
	void onASecondSetWrittenLaterTheTriageHoldsUp() {
		IntentClassifier meaning = IntentClassifier.train(EXAMPLES, phrase -> embeddings.embed(phrase).orElseThrow());
		assertThat(fresh).hasSize(60).noneMatch(evaluation::contains);
		assertThat(accuracy(meaning, true, "meaning and words, second set", fresh)).isGreaterThanOrEqualTo(0.85);
	}

	/** A new bot: three examples of its own per intent, and the built-in phrase bank. */
	@Test
	void withThePhraseBankANewBotWorksFromThreeExamples() {
		Map<String, List<String>> three = new LinkedHashMap<>();
		EXAMPLES.forEach((intent, phrases) -> {
			List<String> mine = new ArrayList<>(phrases.subList(0, 3));
			mine.addAll(PhraseBank.PHRASES.get(intent));
			three.put(intent, mine);
		});
		List<String> bank = PhraseBank.PHRASES.values().stream().flatMap(List::stream).map(String::toLowerCase).toList();
		assertThat(evaluation).as("the bank is not the evaluation").noneMatch(m -> bank.contains(m.text().toLowerCase()));
		IntentClassifier classifier = IntentClassifier.train(three, phrase -> embeddings.embed(phrase).orElseThrow());
		assertThat(accuracy(classifier, true, "three examples and the phrase bank")).isGreaterThanOrEqualTo(0.88);
	}

	@Test
	void withoutTheModelTriageFallsBackToWordsAndSaysSo() {
		tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
		tools.jackson.databind.node.ObjectNode config = json.createObjectNode();
		EXAMPLES.forEach((intent, phrases) -> {
			var node = config.withArray("intents").addObject().put("name", intent);
			phrases.forEach(node.putArray("examples")::add);
		});
		Triage.Decision off = new Triage(null, null, json, new SentenceEmbeddings(false, null))
			.decide(null, config, "mujhe refund chahiye", List.of());
		assertThat(off.method()).isEqualTo("words only: sentence embeddings are turned off (handoff.ai.embeddings.enabled=false)");
		Triage.Decision on = new Triage(null, null, json, embeddings).decide(null, config, "I want my money back", List.of());
		assertThat(on.method()).isEqualTo("meaning (sentence embeddings) and words");
		assertThat(on.intent()).isEqualTo("billing");
		assertThat(on.nearest().get("billing").phrase()).isNotBlank();

		// A bot that opts into the phrase bank: its intents named like the bank's learn the bank's phrases too.
		config.put("phraseBank", true);
		Triage.Decision banked = new Triage(null, null, json, embeddings).decide(null, config, "bill galat hai", List.of());
		assertThat(banked.nearest().get("billing").phrase()).isEqualTo("bill galat hai");
	}

	private double accuracy(IntentClassifier classifier, boolean meaning, String what) {
		return accuracy(classifier, meaning, what, evaluation);
	}

	private double accuracy(IntentClassifier classifier, boolean meaning, String what, List<Labelled> evaluation) {
		List<String> intents = List.copyOf(EXAMPLES.keySet());
		int[][] confusion = new int[intents.size()][intents.size()];
		int right = 0;
		List<String> wrong = new ArrayList<>();
		for (Labelled m : evaluation) {
			String predicted = classifier.classify(m.text(), meaning ? embeddings.embed(m.text()).orElseThrow() : null).intent();
			confusion[intents.indexOf(m.intent())][intents.indexOf(predicted)]++;
			if (predicted.equals(m.intent())) {
				right++;
			}
			else {
				wrong.add(m.intent() + " → " + predicted + ": " + m.text());
			}
		}
		double accuracy = (double) right / evaluation.size();
		StringBuilder table = new StringBuilder("\n" + what + ": " + right + " of " + evaluation.size() + " right ("
				+ String.format("%.1f%%", accuracy * 100) + ")\n| actual \\ predicted | " + String.join(" | ", intents) + " |\n|---"
				+ "|---".repeat(intents.size()) + "|\n");
		for (int i = 0; i < intents.size(); i++) {
			table.append("| ").append(intents.get(i));
			for (int j = 0; j < intents.size(); j++) {
				table.append(" | ").append(confusion[i][j]);
			}
			table.append(" |\n");
		}
		System.out.println(table);
		wrong.forEach(w -> System.out.println("  " + w));
		return accuracy;
	}
}
