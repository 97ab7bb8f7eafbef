package io.handoff.studio;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * A named value taken from a run's input by path, e.g. {@code customerNumber} ← {@code /body/data/customerPhone}.
 *
 * @param path a JSON Pointer into the input document ({@code {method, headers, query, body}}); JSONPath such as
 *        {@code $.body.data.customerPhone} is accepted and stored as the pointer
 * @param type what the value must be; a value of another type counts as missing
 * @param required whether a missing value fails the run (otherwise it is null, or {@code defaultValue})
 * @param defaultValue used when the value is missing
 * @param transforms applied in order to text values
 */
public record Variable(String name, String path, Type type, boolean required, String defaultValue,
		List<Transform> transforms) {

	public enum Type {
		@JsonProperty("text") TEXT, @JsonProperty("number") NUMBER, @JsonProperty("boolean") BOOLEAN, @JsonProperty("json") JSON
	}

	public enum Transform {
		@JsonProperty("trim") TRIM, @JsonProperty("e164") E164, @JsonProperty("lowercase") LOWERCASE, @JsonProperty("uppercase") UPPERCASE
	}
}
