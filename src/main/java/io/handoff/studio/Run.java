package io.handoff.studio;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.JsonNode;

/**
 * One firing of a bot's trigger and everything that happened in it.
 *
 * @param trigger {@code webhook}, {@code incoming_message} or {@code rerun}
 * @param requestId for On Webhook: the request that started it
 * @param rerunOf for a re-run: the run whose input it reused
 * @param chatId for On Incoming Message: the chat the message arrived in
 * @param input the document variables were mapped from
 * @param variables the mapped values, once taken
 * @param mappingProblems variables that had no value, and why
 * @param steps each step's outcome, in order
 * @param error why the run failed; for a waiting run, the transient failure it waits out
 * @param tries how many times a node started it (more than one after a wait, or after a node died mid-run)
 * @param waits how many times it waited out a transient failure
 * @param nextTryAt for a waiting run: when it resumes from the step that failed
 */
public record Run(RunId id, BotId botId, String trigger, Status status, String requestId, RunId rerunOf,
		String chatId, JsonNode input, Map<String, JsonNode> variables, List<Mapping.Problem> mappingProblems,
		List<StepLog> steps, String error, int tries, int waits, Instant nextTryAt, Instant createdAt,
		Instant startedAt, Instant finishedAt) {

	/** {@code waiting}: a step failed transiently (a 429, a 5xx, a timeout); the run resumes at {@code nextTryAt}. */
	public enum Status {
		@JsonProperty("queued") QUEUED, @JsonProperty("running") RUNNING, @JsonProperty("waiting") WAITING,
		@JsonProperty("succeeded") SUCCEEDED, @JsonProperty("failed") FAILED
	}

	/**
	 * @param status {@code succeeded}, {@code failed} or {@code skipped} (its condition did not hold)
	 * @param summary one line saying what happened
	 * @param output what the step produced, for later steps and for reading
	 */
	public record StepLog(String stepId, String type, String name, String status, String summary, JsonNode output,
			Instant startedAt, long durationMs) {
	}
}
