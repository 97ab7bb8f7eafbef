package io.handoff.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The built-in classifier on a labelled set of 210 customer messages over 5 intents, English and Hinglish: half are
 * the workspace's example phrases, the other half are held out and only measured.
 */
class IntentClassifierTest {

	record Labelled(String intent, String set, String text) {
	}

	static List<Labelled> messages() throws IOException {
		List<Labelled> all = new ArrayList<>();
		try (InputStream in = IntentClassifierTest.class.getResourceAsStream("/ai/messages.tsv")) {
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				String[] parts = line.split("\t", 3);
				all.add(new Labelled(parts[0], parts[1], parts[2]));
			}
		}
		return all;
	}

	static IntentClassifier trained(List<Labelled> all) {
		Map<String, List<String>> examples = new LinkedHashMap<>();
		all.stream().filter(m -> m.set().equals("example"))
			.forEach(m -> examples.computeIfAbsent(m.intent(), k -> new ArrayList<>()).add(m.text()));
		return IntentClassifier.train(examples);
	}

	@Test
	void heldOutAccuracyIsAtLeast85Percent() throws IOException {
		List<Labelled> all = messages();
		assertThat(all).hasSizeGreaterThanOrEqualTo(200);
		assertThat(all.stream().map(Labelled::intent).distinct()).hasSize(5);
		IntentClassifier classifier = trained(all);
		List<Labelled> heldOut = all.stream().filter(m -> m.set().equals("heldout")).toList();
		List<String> wrong = new ArrayList<>();
		for (Labelled m : heldOut) {
			String predicted = classifier.classify(m.text()).intent();
			if (!predicted.equals(m.intent())) {
				wrong.add(m.intent() + " → " + predicted + ": " + m.text());
			}
		}
		double accuracy = 1.0 - (double) wrong.size() / heldOut.size();
		System.out.printf("Built-in classifier: held-out accuracy %.1f%% (%d of %d); misses: %s%n", 100 * accuracy,
				heldOut.size() - wrong.size(), heldOut.size(), wrong);
		assertThat(accuracy).as("misses: " + wrong).isGreaterThanOrEqualTo(0.85);
	}

	@Test
	void somethingUnlikeAnyExampleHasLowConfidence() throws IOException {
		IntentClassifier classifier = trained(messages());
		assertThat(classifier.classify("zxqv blorp").confidence()).isLessThan(0.5);
		assertThat(classifier.classify("").confidence()).isLessThan(0.5);
		IntentClassifier.Prediction clear = classifier.classify("I want to talk to a human agent");
		assertThat(clear.intent()).isEqualTo("human");
		assertThat(clear.confidence()).isGreaterThan(0.5);
		assertThat(clear.confidences().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0,
				org.assertj.core.data.Offset.offset(1e-9));
	}

	@Test
	void casingPunctuationAndSpellingsDoNotMatter() throws IOException {
		IntentClassifier classifier = trained(messages());
		assertThat(classifier.classify("WHERE IS MY ORDER???").intent()).isEqualTo("delivery");
		assertThat(classifier.classify("refund kab milega?!").intent()).isEqualTo("billing");
		assertThat(classifier.classify("login nhi ho rha").intent()).isEqualTo("support");
	}
}
