package io.handoff.connectors;

import java.time.Duration;

/**
 * A call to an outside system that failed; its message says which call and why, for the run log. A transient failure
 * (a 429, a 5xx, no answer at all) carries how long to wait at least, often zero; a final one carries null.
 */
final class CallFailed extends Exception {

	private final transient Duration retryAfter;

	CallFailed(String message) {
		this(message, null);
	}

	CallFailed(String message, Duration retryAfter) {
		super(message, null, false, false);
		this.retryAfter = retryAfter;
	}

	static CallFailed of(String message, OutboundHttp.Exchange exchange) {
		return new CallFailed(message, exchange.transientFailure() ? orZero(exchange.retryAfter()) : null);
	}

	static CallFailed of(String message, OutboundHttp.Failed failure) {
		return new CallFailed(message, failure.transientFailure() ? Duration.ZERO : null);
	}

	/** The step's outcome: a transient failure makes the run wait and try again. */
	io.handoff.studio.StepAction.Outcome outcome(tools.jackson.databind.JsonNode output) {
		return retryAfter == null ? new io.handoff.studio.StepAction.Outcome(false, getMessage(), output)
				: io.handoff.studio.StepAction.Outcome.failedTransiently(getMessage(), output, retryAfter);
	}

	private static Duration orZero(Duration duration) {
		return duration == null ? Duration.ZERO : duration;
	}
}
