package io.handoff.platform;

import java.time.Duration;

import org.springframework.http.HttpStatus;

/**
 * A request that cannot be carried out for a reason the caller can fix. The web layer turns it into an
 * {@code application/problem+json} answer naming {@link #field()}.
 */
public abstract class HandoffException extends RuntimeException {

	private final String field;

	protected HandoffException(String field, String message) {
		super(message);
		this.field = field;
	}

	/** The request field (JSON property, path or query parameter) at fault; null when no one field is. */
	public String field() {
		return field;
	}

	public abstract HttpStatus status();

	/** A stable, machine-readable name of the problem, sent as the {@code code} member of the problem document. */
	public abstract String code();

	/** Unknown ids, and ids of another workspace: the two are indistinguishable on purpose. */
	public static final class NotFound extends HandoffException {

		public NotFound(String field, String what, String id) {
			super(field, "No " + what + " '" + id + "' in this workspace");
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.NOT_FOUND;
		}

		@Override
		public String code() {
			return "not_found";
		}
	}

	/** A value that is malformed on its own: a bad phone number, an unknown role name. */
	public static final class InvalidInput extends HandoffException {

		public InvalidInput(String field, String message) {
			super(field, message);
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.BAD_REQUEST;
		}

		@Override
		public String code() {
			return "invalid_field";
		}
	}

	/** Well-formed input that a business rule refuses, such as assigning a member without a role on the number. */
	public static final class RuleViolation extends HandoffException {

		public RuleViolation(String field, String message) {
			super(field, message);
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.UNPROCESSABLE_CONTENT;
		}

		@Override
		public String code() {
			return "rule_violation";
		}
	}

	/** The request clashes with the current state: a duplicate, or a resource still in use. */
	public static final class Conflict extends HandoffException {

		public Conflict(String field, String message) {
			super(field, message);
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.CONFLICT;
		}

		@Override
		public String code() {
			return "conflict";
		}
	}

	/** Too many requests in a short time: the caller may try again after {@link #retryAfter()}. */
	public static final class TooManyRequests extends HandoffException {

		private final Duration retryAfter;

		public TooManyRequests(String message, Duration retryAfter) {
			super(null, message);
			this.retryAfter = retryAfter;
		}

		public Duration retryAfter() {
			return retryAfter;
		}

		@Override
		public HttpStatus status() {
			return HttpStatus.TOO_MANY_REQUESTS;
		}

		@Override
		public String code() {
			return "rate_limited";
		}
	}
}
