package io.handoff.connectors;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.node.ObjectNode;

/**
 * Credentials for one outside system, as the API shows them: settings in full, secrets only by name.
 *
 * @param settings what is not secret: base URLs, instance URL, the service account's email, auth type
 * @param secretsSet the names of the secrets stored (sealed), never their values
 */
public record Connection(String id, Type type, String name, ObjectNode settings, List<String> secretsSet,
		Instant createdAt, Instant updatedAt) {

	public enum Type {
		@JsonProperty("http") HTTP, @JsonProperty("google_service_account") GOOGLE_SERVICE_ACCOUNT,
		@JsonProperty("hubspot") HUBSPOT, @JsonProperty("zoho") ZOHO, @JsonProperty("salesforce") SALESFORCE,
		@JsonProperty("openai") OPENAI, @JsonProperty("whatsapp_cloud") WHATSAPP_CLOUD
	}
}
