package io.handoff.ai;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in intent classifier: no network, no key. Each example phrase and each message becomes a TF-IDF vector
 * of word features (lower case, without punctuation, simple English suffixes and common Hinglish spellings
 * folded together), word pairs, and character trigrams (which catch variants such as "kharidna" and "kharidne").
 * An intent scores the mean of its three most similar examples (cosine); the confidence is the softmax of the scores,
 * so a message like nothing seen scores near 1 / intents.
 */
public final class IntentClassifier {

	private static final double SHARPNESS = 12;
	private static final int NEIGHBOURS = 3;
	private static final Map<String, String> SPELLINGS = Map.ofEntries(Map.entry("nhi", "nahi"), Map.entry("nai", "nahi"),
			Map.entry("nahin", "nahi"), Map.entry("kia", "kya"), Map.entry("kiya", "kya"), Map.entry("h", "hai"),
			Map.entry("he", "hai"), Map.entry("hain", "hai"), Map.entry("plz", "please"), Map.entry("pls", "please"),
			Map.entry("u", "you"), Map.entry("ur", "your"), Map.entry("r", "are"), Map.entry("karo", "kar"),
			Map.entry("karna", "kar"), Map.entry("karni", "kar"), Map.entry("karu", "kar"), Map.entry("kare", "kar"),
			Map.entry("hua", "ho"), Map.entry("hui", "ho"), Map.entry("raha", "rah"), Map.entry("rahi", "rah"),
			Map.entry("mera", "mer"), Map.entry("meri", "mer"), Map.entry("mere", "mer"), Map.entry("mujhe", "mujh"),
			Map.entry("chahiye", "chahi"), Map.entry("chaiye", "chahi"), Map.entry("milega", "mil"),
			Map.entry("mila", "mil"), Map.entry("aayega", "aa"), Map.entry("aaya", "aa"), Map.entry("aa", "aa"));

	private final List<String> intents;
	private final List<Example> examples;
	private final Map<String, Double> idf;

	private record Example(String intent, Map<String, Double> vector) {
	}

	/** What the classifier decided, with every intent's confidence (they add up to 1). */
	public record Prediction(String intent, double confidence, Map<String, Double> confidences) {
	}

	private IntentClassifier(List<String> intents, List<Example> examples, Map<String, Double> idf) {
		this.intents = intents;
		this.examples = examples;
		this.idf = idf;
	}

	/** Trains on example phrases by intent. */
	public static IntentClassifier train(Map<String, List<String>> examplesByIntent) {
		List<Map<String, Integer>> counts = new ArrayList<>();
		List<String> labels = new ArrayList<>();
		Map<String, Integer> documentFrequency = new HashMap<>();
		examplesByIntent.forEach((intent, phrases) -> phrases.forEach(phrase -> {
			Map<String, Integer> features = features(phrase);
			counts.add(features);
			labels.add(intent);
			features.keySet().forEach(f -> documentFrequency.merge(f, 1, Integer::sum));
		}));
		int documents = counts.size();
		Map<String, Double> idf = new HashMap<>();
		documentFrequency.forEach((f, df) -> idf.put(f, Math.log((1.0 + documents) / (1.0 + df)) + 1));
		List<Example> examples = new ArrayList<>();
		for (int i = 0; i < counts.size(); i++) {
			examples.add(new Example(labels.get(i), vector(counts.get(i), idf)));
		}
		return new IntentClassifier(List.copyOf(examplesByIntent.keySet()), examples, idf);
	}

	public Prediction classify(String text) {
		Map<String, Double> message = vector(features(text == null ? "" : text), idf);
		Map<String, List<Double>> similarities = new HashMap<>();
		for (Example example : examples) {
			similarities.computeIfAbsent(example.intent(), k -> new ArrayList<>()).add(cosine(message, example.vector()));
		}
		Map<String, Double> scores = new LinkedHashMap<>();
		for (String intent : intents) {
			List<Double> sims = similarities.getOrDefault(intent, List.of());
			scores.put(intent, sims.stream().sorted(Comparator.reverseOrder()).limit(NEIGHBOURS)
				.mapToDouble(Double::doubleValue).average().orElse(0));
		}
		double max = scores.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
		double sum = scores.values().stream().mapToDouble(s -> Math.exp(SHARPNESS * (s - max))).sum();
		Map<String, Double> confidences = new LinkedHashMap<>();
		scores.forEach((intent, s) -> confidences.put(intent, Math.exp(SHARPNESS * (s - max)) / sum));
		String best = confidences.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
		return new Prediction(best, best == null ? 0 : confidences.get(best), confidences);
	}

	static List<String> words(String text) {
		String plain = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
		List<String> words = new ArrayList<>();
		for (String raw : plain.split("[^\\p{L}\\p{N}]+")) {
			if (!raw.isEmpty()) {
				words.add(stem(SPELLINGS.getOrDefault(raw, raw)));
			}
		}
		return words;
	}

	private static String stem(String word) {
		if (word.length() <= 4) {
			return word;
		}
		for (String suffix : new String[] { "ing", "ed", "es", "ly", "s" }) {
			if (word.endsWith(suffix) && word.length() - suffix.length() >= 3) {
				return word.substring(0, word.length() - suffix.length());
			}
		}
		return word;
	}

	private static Map<String, Integer> features(String text) {
		Map<String, Integer> features = new HashMap<>();
		List<String> words = words(text);
		for (int i = 0; i < words.size(); i++) {
			String word = words.get(i);
			features.merge("w:" + word, 1, Integer::sum);
			if (i + 1 < words.size()) {
				features.merge("b:" + word + " " + words.get(i + 1), 1, Integer::sum);
			}
			String padded = "^" + word + "$";
			for (int j = 0; j + 3 <= padded.length(); j++) {
				features.merge("c:" + padded.substring(j, j + 3), 1, Integer::sum);
			}
		}
		return features;
	}

	private static Map<String, Double> vector(Map<String, Integer> counts, Map<String, Double> idf) {
		Map<String, Double> vector = new HashMap<>();
		double norm = 0;
		for (Map.Entry<String, Integer> e : counts.entrySet()) {
			Double weight = idf.get(e.getKey());
			if (weight == null) {
				continue;
			}
			double w = (1 + Math.log(e.getValue())) * weight * (e.getKey().startsWith("c:") ? 0.5 : 1);
			vector.put(e.getKey(), w);
			norm += w * w;
		}
		double length = Math.sqrt(norm);
		if (length > 0) {
			vector.replaceAll((k, v) -> v / length);
		}
		return vector;
	}

	private static double cosine(Map<String, Double> a, Map<String, Double> b) {
		Map<String, Double> small = a.size() < b.size() ? a : b;
		Map<String, Double> large = small == a ? b : a;
		double dot = 0;
		for (Map.Entry<String, Double> e : small.entrySet()) {
			Double other = large.get(e.getKey());
			if (other != null) {
				dot += e.getValue() * other;
			}
		}
		return dot;
	}
}
