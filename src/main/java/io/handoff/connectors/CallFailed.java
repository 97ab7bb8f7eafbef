package io.handoff.connectors;

/** A call to an outside system that failed for good; its message says which call and why, for the run log. */
final class CallFailed extends Exception {

	CallFailed(String message) {
		super(message, null, false, false);
	}
}
