package io.handoff.ai;

/** The built-in triage as the benchmark drives it: the model loaded, a bot of six intents trained once. */
public final class TriageProbe {

	private final SentenceEmbeddings embeddings;
	private final IntentClassifier classifier;

	private TriageProbe(SentenceEmbeddings embeddings) {
		this.embeddings = embeddings;
		this.classifier = IntentClassifier.train(TriageEvaluationTest.EXAMPLES,
				phrase -> embeddings.embed(phrase).orElseThrow());
	}

	public static TriageProbe loaded() {
		SentenceEmbeddings embeddings = new SentenceEmbeddings(true, null);
		embeddings.model().orElseThrow();
		return new TriageProbe(embeddings);
	}

	public String classify(String text) {
		return classifier.classify(text, embeddings.embed(text).orElseThrow()).intent();
	}
}
