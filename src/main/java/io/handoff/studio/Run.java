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
 * @param tries how many times a node started it (more than one after a node died mid-run)
 */
public record Run(RunId id, BotId botId, String trigger, Status status, String requestId, RunId rerunOf,
		String chatId, JsonNode input, Map<String, JsonNode> variables, List<Mapping.Problem> mappingProblems,
		List<StepLog> steps, String error, int tries, Instant createdAt, Instant startedAt, Instant finishedAt) {

	public enum Status {
		@JsonProperty("queued") QUEUED, @JsonProperty("running") RUNNING, @JsonProperty("succeeded") SUCCEEDED,
		@JsonProperty("failed") FAILED
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
