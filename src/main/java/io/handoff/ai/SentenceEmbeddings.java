package io.handoff.ai;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * Sentence embeddings computed in this process: all-MiniLM-L6-v2, quantized, run by ONNX Runtime from the model inside
 * the jar; no network, no GPU. It costs about 100 MiB, so a node loads it only when a bot may use it: in the
 * background once the node is up if a bot that is not a draft has an AI Bot step, when such a step is saved, or on
 * first use. {@code handoff.ai.embeddings.enabled=false} turns it off, and triage then uses word overlap alone and
 * says so.
 */
@Component
class SentenceEmbeddings {

	private static final Logger log = LoggerFactory.getLogger(SentenceEmbeddings.class);

	private final boolean enabled;
	private final JdbcClient jdbc;
	private volatile EmbeddingModel model;
	private volatile String unavailable;

	SentenceEmbeddings(@Value("${handoff.ai.embeddings.enabled:true}") boolean enabled, JdbcClient jdbc) {
		this.enabled = enabled;
		this.jdbc = jdbc;
		this.unavailable = enabled ? null : "sentence embeddings are turned off (handoff.ai.embeddings.enabled=false)";
	}

	/** Once the node is up: loads the model in the background if a bot that is not a draft has an AI Bot step. */
	@EventListener(ApplicationReadyEvent.class)
	void warmUpIfUsed() {
		boolean used = enabled && jdbc != null && jdbc.sql("""
				SELECT EXISTS (SELECT 1 FROM bots WHERE status <> 'draft' AND CAST(steps AS jsonb) @> '[{"type": "ai_bot"}]')
				""").query(Boolean.class).single();
		if (used) {
			warmUp();
		}
	}

	/** Loads the model in the background, so that the first message does not wait for it. */
	void warmUp() {
		if (enabled && model == null && unavailable == null) {
			Thread.ofVirtual().name("handoff-embeddings-load").start(this::model);
		}
	}

	/** The model, loaded on first use; empty when turned off or when it could not be loaded. */
	Optional<EmbeddingModel> model() {
		if (!enabled) {
			return Optional.empty();
		}
		EmbeddingModel loaded = model;
		if (loaded == null) {
			synchronized (this) {
				if (model == null && unavailable == null) {
					try {
						long started = System.nanoTime();
						model = load();
						log.info("Sentence embeddings loaded in {} ms", (System.nanoTime() - started) / 1_000_000);
					}
					catch (RuntimeException | LinkageError e) {
						unavailable = "the embedding model could not be loaded (" + e.getClass().getSimpleName() + ")";
						log.warn("Sentence embeddings unavailable; triage uses word overlap alone: {}", e.toString());
					}
				}
				loaded = model;
			}
		}
		return Optional.ofNullable(loaded);
	}

	/**
	 * all-MiniLM-L6-v2 (quantized) from the resources of its artifact, in a lean ONNX Runtime session. The library's
	 * own loader reads the model into a byte array and gives ORT a copy, with ORT's arena allocator and memory
	 * patterns on: about 190 MiB added to the node. Here ORT reads the model from a file written once to a private
	 * temporary directory (and removed once loaded), and allocates per run without an arena: about 100 MiB, at a
	 * few tenths of a millisecond more per message (see docs/benchmarks.md).
	 */
	private static EmbeddingModel load() {
		Class<?> artifact = AllMiniLmL6V2QuantizedEmbeddingModel.class;
		try {
			Path directory = Files.createTempDirectory("handoff-model-");
			Path file = directory.resolve("all-minilm-l6-v2-q.onnx");
			try (InputStream in = resource(artifact, "/all-minilm-l6-v2-q.onnx")) {
				Files.copy(in, file);
			}
			OrtEnvironment environment = OrtEnvironment.getEnvironment();
			OrtSession session;
			try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
				options.setCPUArenaAllocator(false);
				options.setMemoryPatternOptimization(false);
				session = environment.createSession(file.toString(), options);
			}
			finally {
				Files.deleteIfExists(file);
				Files.deleteIfExists(directory);
			}
			try (InputStream tokenizer = resource(artifact, "/all-minilm-l6-v2-q-tokenizer.json")) {
				OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
				return new AbstractInProcessEmbeddingModel(Runnable::run) {
					@Override
					protected OnnxBertBiEncoder model() {
						return encoder;
					}
				};
			}
		}
		catch (IOException | OrtException e) {
			throw new IllegalStateException("Could not load the embedding model: " + e.getMessage(), e);
		}
	}

	private static InputStream resource(Class<?> artifact, String name) throws IOException {
		InputStream in = artifact.getResourceAsStream(name);
		if (in == null) {
			throw new IOException(name + " is not on the class path");
		}
		return in;
	}

	/** The unit-length embedding of {@code text} (Hinglish words glossed in English), when the model is available. */
	Optional<float[]> embed(String text) {
		String glossed = IntentClassifier.glossed(text);
		return model().map(m -> normalise(m.embed(glossed.isBlank() ? "." : glossed).content().vector()));
	}

	/** Why embeddings are not used, or null when they are. */
	String unavailable() {
		model();
		return unavailable;
	}

	static float[] normalise(float[] v) {
		double norm = 0;
		for (float x : v) {
			norm += x * x;
		}
		float length = (float) Math.sqrt(norm);
		if (length > 0) {
			for (int i = 0; i < v.length; i++) {
				v[i] /= length;
			}
		}
		return v;
	}
}
