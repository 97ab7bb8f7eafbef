package io.handoff.connectors;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

import io.handoff.platform.Caller;

/**
 * Test connection: one harmless call with the connection's credentials, and what it says in words. CRMs look up an
 * owner (the call owner sync makes first); a Google service account fetches a token. Other types have no call of
 * their own to try.
 */
@Component
public class ConnectionChecks {

	private final ConnectionService connections;
	private final CrmOwnerAction crm;
	private final GoogleTokens google;
	private final JsonMapper json;

	ConnectionChecks(ConnectionService connections, CrmOwnerAction crm, GoogleTokens google, JsonMapper json) {
		this.connections = connections;
		this.crm = crm;
		this.google = google;
		this.json = json;
	}

	/** What a check found: whether the credentials work, and what happened, for a person. */
	public record Check(boolean ok, String message) {
	}

	public Check check(Caller caller, String id) throws InterruptedException {
		caller.requireManager();
		ConnectionService.Resolved resolved = connections.resolve(caller.workspaceId(), id, null, "id");
		try {
			switch (resolved.type()) {
				case HUBSPOT, ZOHO, SALESFORCE -> crm.probe(resolved);
				case GOOGLE_SERVICE_ACCOUNT -> google.token(resolved, json.createObjectNode());
				default -> {
					return new Check(true, "Saved. " + resolved.name()
							+ " has no test call of its own: a step that uses it shows each call and its answer in the run.");
				}
			}
			return new Check(true, resolved.name() + " works: it answered with these credentials.");
		}
		catch (CallFailed e) {
			return new Check(false, e.getMessage());
		}
	}
}
