package io.handoff.studio;

import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.ChatId;
import io.handoff.platform.WorkspaceId;

/**
 * What a step of a given type does. Actions are Spring beans; Bot Studio finds them by {@link #type()}, so other
 * modules (the connectors) add steps by declaring one.
 */
public interface StepAction {

	/** The step type this action runs, e.g. {@code assign_agent}. */
	String type();

	/**
	 * Checks a step's settings when the flow is saved and answers them as they will be stored.
	 *
	 * @param field the request field of the config, to name in errors (e.g. {@code steps[2].config})
	 * @throws io.handoff.platform.HandoffException.InvalidInput naming the field at fault
	 */
	ObjectNode validate(WorkspaceId workspace, ObjectNode config, String field);

	/**
	 * Whether the step's effects are all in Handoff's database: then it runs in the transaction that records its
	 * outcome, so a crash never leaves it done but unrecorded (and a resumed run never does it twice).
	 */
	default boolean transactional() {
		return false;
	}

	/** Runs the step. Failures the user should see are returned as {@link Outcome#failed}, not thrown. */
	Outcome run(Context context) throws InterruptedException;

	/**
	 * What a step sees.
	 *
	 * @param chatId the chat the trigger is about (On Incoming Message), else null
	 * @param variables the run's variables by name
	 * @param outputs earlier steps' outputs by step id
	 */
	record Context(WorkspaceId workspace, BotId botId, String botName, RunId runId, String stepId, ObjectNode config,
			ChatId chatId, Map<String, JsonNode> variables, Map<String, JsonNode> outputs) {

		/** A text setting with its placeholders filled in (see {@link Templates}). */
		public String text(String template) {
			return Templates.text(template, variables, outputs);
		}

		/** A JSON body with its placeholders filled in, escaped for JSON strings. */
		public String json(String template) {
			return Templates.json(template, variables, outputs);
		}

		/** A variable's value as text, or null when it is missing or empty. */
		public String variable(String name) {
			JsonNode value = name == null ? null : variables.get(name);
			if (value == null || value.isNull() || value.isMissingNode()) {
				return null;
			}
			String text = value.isString() ? value.asString() : value.toString();
			return text.isBlank() ? null : text;
		}
	}

	/**
	 * @param succeeded whether the step did what it should
	 * @param summary one line for the run log, e.g. "Assigned chat_… to Priya (round robin)"
	 * @param output what later steps and the run log may use
	 * @param retryAfter for a transient failure (429, 5xx, a timeout, a reset, after the step's own tries): the least
	 *        the run should wait before trying the step again, often zero; null when the failure is final
	 */
	record Outcome(boolean succeeded, String summary, JsonNode output, Duration retryAfter) {

		public Outcome(boolean succeeded, String summary, JsonNode output) {
			this(succeeded, summary, output, null);
		}

		public static Outcome succeeded(String summary, JsonNode output) {
			return new Outcome(true, summary, output);
		}

		public static Outcome failed(String summary) {
			return new Outcome(false, summary, null);
		}

		/** A failure that may pass: the run waits and tries the step again on its schedule. */
		public static Outcome failedTransiently(String summary, JsonNode output, Duration retryAfter) {
			return new Outcome(false, summary, output, retryAfter == null ? Duration.ZERO : retryAfter);
		}

		public boolean transientFailure() {
			return !succeeded && retryAfter != null;
		}
	}
}
