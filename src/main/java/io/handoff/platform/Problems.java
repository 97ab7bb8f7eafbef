package io.handoff.platform;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Builds RFC 9457 problem documents in one shape everywhere: {@code status}, {@code title}, {@code detail}, a
 * {@code code} to switch on, and {@code errors}, one {@code {field, message}} per field at fault.
 */
@Component
public class Problems {

	private final JsonMapper json;

	Problems(JsonMapper json) {
		this.json = json;
	}

	public static ProblemDetail of(HttpStatusCode status, String code, String detail, List<FieldError> errors) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setProperty("code", code);
		if (!errors.isEmpty()) {
			problem.setProperty("errors", List.copyOf(errors));
		}
		return problem;
	}

	public static ProblemDetail of(HttpStatusCode status, String code, String field, String message) {
		List<FieldError> errors = field == null ? List.of() : List.of(new FieldError(field, message));
		return of(status, code, field == null ? message : field + ": " + message, errors);
	}

	/** A 400 for fields that failed validation, its detail listing each of them. */
	public static ProblemDetail invalidFields(List<FieldError> errors) {
		String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
		return of(HttpStatus.BAD_REQUEST, "invalid_field", detail, errors);
	}

	/** Writes a problem from outside Spring MVC, where filters answer before any controller runs. */
	public void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(json.writeValueAsBytes(problem));
	}

	public record FieldError(String field, String message) {
	}
}
