package io.handoff.platform;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.beans.TypeMismatchException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/**
 * Turns every failure of a REST call into {@code application/problem+json}. Input the caller can fix gets a 4xx that
 * names the field; anything else is a 500 that reveals nothing and is logged.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

	/** Names people reach for that mean a field of another name (responses show ids where requests take either). */
	private static final java.util.Map<String, String> KNOWN_ALIASES = java.util.Map.of("businessNumberIds",
			"businessNumbers (ids or E.164 numbers)", "events", "eventTypes", "event_types", "eventTypes", "urls", "url");

	@ExceptionHandler(HandoffException.class)
	ResponseEntity<ProblemDetail> handoff(HandoffException e) {
		ResponseEntity<ProblemDetail> response = respond(Problems.of(e.status(), e.code(), e.field(), e.getMessage()));
		if (e instanceof HandoffException.TooManyRequests limited) {
			long seconds = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
			return ResponseEntity.status(response.getStatusCode())
				.headers(response.getHeaders())
				.header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds))
				.body(response.getBody());
		}
		return response;
	}

	@ExceptionHandler(BodySizeLimitFilter.BodyTooLarge.class)
	ResponseEntity<ProblemDetail> tooLarge(BodySizeLimitFilter.BodyTooLarge e) {
		return respond(Problems.of(HttpStatus.CONTENT_TOO_LARGE, "body_too_large", null, e.getMessage()));
	}

	@ExceptionHandler(DuplicateKeyException.class)
	ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException e) {
		// Uniqueness is checked before writing; this is the rare race between two concurrent requests.
		return respond(Problems.of(HttpStatus.CONFLICT, "conflict", null,
				"This conflicts with a record created at the same time; retry the request"));
	}

	/** A query parameter with a broken percent-encoding (a lone {@code %}): the container could not decode it. */
	@ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
	ResponseEntity<ProblemDetail> undecodable(org.apache.tomcat.util.http.InvalidParameterException e) {
		java.util.regex.Matcher name = java.util.regex.Pattern.compile("Parameter \\[([A-Za-z0-9_.]{1,64})\\]")
			.matcher(String.valueOf(e.getMessage()));
		return respond(Problems.of(HttpStatus.BAD_REQUEST, "invalid_input", name.find() ? name.group(1) : null,
				"is not valid percent-encoding: a % must be followed by two hexadecimal digits (write %25 for a % sign)"));
	}

	/**
	 * Text PostgreSQL cannot store, a NUL character above all, in an id, a cursor or a JSON string: the request is at
	 * fault, and nothing was written.
	 */
	@ExceptionHandler(org.springframework.dao.DataIntegrityViolationException.class)
	ResponseEntity<ProblemDetail> unstorable(org.springframework.dao.DataIntegrityViolationException e) {
		if (e.getMostSpecificCause() instanceof java.sql.SQLException sql
				&& ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()))) {
			return respond(Problems.of(HttpStatus.BAD_REQUEST, "invalid_input", null,
					"The request contains a character that cannot be stored, such as a NUL (\\u0000); remove it"));
		}
		return unexpected(e);
	}

	/**
	 * The database cannot be reached (it is restarting, or the network to it is down): nothing was done, and the
	 * client should try again shortly. The pool gives up on a connection within seconds, so this is quick.
	 */
	@ExceptionHandler({ DataAccessResourceFailureException.class, CannotCreateTransactionException.class,
			TransientDataAccessResourceException.class })
	ResponseEntity<ProblemDetail> databaseAway(Exception e) {
		log.warn("The database could not be reached for a request: {}", DatabaseAway.describe(e));
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "5")
			.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
			.body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", null, DatabaseAway.MESSAGE));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception e) {
		if (DatabaseAway.is(e)) {
			// A commit or a statement whose connection broke as the database went away: nothing is known to be
			// done, and trying again is safe (an assignment to the same member changes nothing twice).
			return databaseAway(e);
		}
		log.error("Unexpected error", e);
		return respond(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", null,
				"Something went wrong on our side; the request was not carried out"));
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Problems.FieldError> errors = e.getBindingResult()
			.getFieldErrors()
			.stream()
			.map(f -> new Problems.FieldError(f.getField(), f.getDefaultMessage()))
			.toList();
		return cast(respond(Problems.invalidFields(errors)));
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Problems.FieldError> errors = e.getParameterValidationResults()
			.stream()
			.flatMap(r -> r.getResolvableErrors()
				.stream()
				.map(err -> new Problems.FieldError(r.getMethodParameter().getParameterName(),
						err.getDefaultMessage())))
			.toList();
		return cast(respond(Problems.invalidFields(errors)));
	}

	/**
	 * An unknown address is a problem for API clients; for a browser on a console page it is the console's own
	 * "Not found" page (answered by the error page, as the servlet container's 404). Addresses under the console's
	 * static files that name no file arrive here as a missing resource, all others as a missing handler.
	 */
	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(
			org.springframework.web.servlet.resource.NoResourceFoundException e, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return consoleNotFound(request) ? null : super.handleNoResourceFoundException(e, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleNoHandlerFoundException(
			org.springframework.web.servlet.NoHandlerFoundException e, HttpHeaders headers, HttpStatusCode status,
			WebRequest request) {
		return consoleNotFound(request) ? null : super.handleNoHandlerFoundException(e, headers, status, request);
	}

	/** Sends the console's 404 page for a request outside the API; false for an API request. */
	private static boolean consoleNotFound(WebRequest request) {
		if (request instanceof org.springframework.web.context.request.ServletWebRequest servlet
				&& servlet.getResponse() != null && !servlet.getRequest().getRequestURI().startsWith("/api/")) {
			try {
				servlet.getResponse().sendError(404);
			}
			catch (java.io.IOException io) {
				// The browser went away; nothing to answer.
			}
			return true;
		}
		return false;
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String field = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
		return cast(respond(Problems.of(HttpStatus.BAD_REQUEST, "invalid_field", field,
				"'" + e.getValue() + "' is not a valid value")));
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		for (Throwable cause = e; cause != null; cause = cause.getCause()) {
			if (cause instanceof BodySizeLimitFilter.BodyTooLarge tooLarge) {
				return cast(tooLarge(tooLarge));
			}
		}
		if (e.getCause() instanceof StreamReadException read) {
			return cast(respond(Problems.of(HttpStatus.BAD_REQUEST, "malformed_json", null,
					"The body is not valid JSON: " + read.getOriginalMessage())));
		}
		if (e.getCause() instanceof tools.jackson.databind.exc.UnrecognizedPropertyException unknown) {
			String field = path(unknown);
			String name = unknown.getPropertyName();
			String instead = KNOWN_ALIASES.get(name);
			return cast(respond(Problems.of(HttpStatus.BAD_REQUEST, "unknown_field", field,
					"is not a field of this request" + (instead != null ? "; use " + instead
							: unknown.getKnownPropertyIds() == null || unknown.getKnownPropertyIds().isEmpty() ? ""
									: "; its fields are " + unknown.getKnownPropertyIds().stream().map(String::valueOf)
										.sorted().collect(java.util.stream.Collectors.joining(", "))))));
		}
		if (e.getCause() instanceof tools.jackson.databind.exc.InvalidNullException nullValue
				&& !nullValue.getPath().isEmpty()) {
			return cast(respond(Problems.of(HttpStatus.BAD_REQUEST, "invalid_field", path(nullValue),
					"must not be null")));
		}
		if (e.getCause() instanceof JacksonException mapping && !mapping.getPath().isEmpty()) {
			String field = path(mapping);
			return cast(respond(Problems.of(HttpStatus.BAD_REQUEST, "invalid_field", field,
					"has the wrong type or format")));
		}
		return cast(respond(Problems.of(HttpStatus.BAD_REQUEST, "malformed_json", null,
				"The body is missing or is not valid JSON")));
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		// Spring's own 4xx (unknown route, wrong method, wrong media type) keep their status and gain our shape.
		if (body instanceof ProblemDetail problem && problem.getProperties() == null) {
			problem.setProperty("code", HttpStatus.valueOf(status.value()).name().toLowerCase());
		}
		return super.handleExceptionInternal(e, body, headers, status, request);
	}

	private static String path(JacksonException e) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference ref : e.getPath()) {
			if (ref.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
			}
			else if (ref.getIndex() >= 0) {
				path.append('[').append(ref.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
		return ResponseEntity.status(problem.getStatus())
			.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static ResponseEntity<Object> cast(ResponseEntity<?> response) {
		return (ResponseEntity) response;
	}
}
