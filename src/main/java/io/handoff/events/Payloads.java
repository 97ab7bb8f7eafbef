package io.handoff.events;

import java.time.Instant;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.Actor;
import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatAssignmentChanged;
import io.handoff.inbox.ChatStatusChanged;
import io.handoff.inbox.ChatAssignmentChanged.AgentSnapshot;
import io.handoff.platform.Timestamps;

/**
 * Writes event payloads exactly as EVENTS.md shows them: the Standard Webhooks envelope, the flat {@code data} fields
 * that inbox products already send, then the nested objects. Fields are written in a fixed order and unknown values as
 * {@code null}, never left out.
 */
@Component
class Payloads {

	private final JsonMapper json;

	Payloads(JsonMapper json) {
		this.json = json;
	}

	String envelope(EventId id, EventType type, Instant at, String workspaceId, boolean test, ObjectNode data) {
		ObjectNode envelope = json.createObjectNode();
		envelope.put("id", id.value());
		envelope.put("type", type.wire());
		envelope.put("timestamp", Timestamps.format(at));
		envelope.put("workspaceId", workspaceId);
		if (test) {
			envelope.put("test", true);
		}
		envelope.set("data", data);
		return json.writeValueAsString(envelope);
	}

	ObjectNode assignment(ChatAssignmentChanged change) {
		AgentSnapshot assignee = change.assignee();
		var customer = change.customer();
		var business = change.business();
		ObjectNode data = json.createObjectNode();
		data.put("chatId", change.chatId().value());
		data.put("sequence", change.sequence());

		data.put("customerId", customer.id().value());
		data.put("customerName", customer.name());
		data.put("customerPhone", customer.phone());

		data.put("assignedUserId", assignee == null ? null : assignee.id().value());
		data.put("assignedUserName", assignee == null ? null : assignee.name());
		data.put("assignedUserPhone", assignee == null ? null : assignee.phone());
		data.put("assignedUserEmail", assignee == null ? null : assignee.email());
		data.put("assignedUserOrgRole", assignee == null ? null : assignee.orgRole());
		data.put("assignedUserWabaRole", assignee == null ? null : assignee.wabaRole());

		data.put("wabaNumber", business.number());
		data.putObject("message").put("text", change.message());

		customer(data, customer);
		business(data, business);

		if (assignee == null) {
			data.putNull("assignee");
		}
		else {
			ObjectNode node = agent(data.putObject("assignee"), assignee);
			node.put("orgRole", assignee.orgRole());
			node.put("wabaRole", assignee.wabaRole());
		}
		if (change.previousAssignee() == null) {
			data.putNull("previousAssignee");
		}
		else {
			agent(data.putObject("previousAssignee"), change.previousAssignee());
		}

		ObjectNode assignment = data.putObject("assignment");
		assignment.put("source", change.source().wire());
		assignment.put("reassigned", change.reassigned());
		actor(assignment, change.actor());
		assignment.put("botId", change.botId());
		assignment.put(change.unassigned() ? "unassignedAt" : "assignedAt", Timestamps.format(change.occurredAt()));
		return data;
	}

	/** The {@code data} of {@code chat.resolved} and {@code chat.reopened}. */
	ObjectNode status(ChatStatusChanged change) {
		var customer = change.customer();
		var business = change.business();
		ObjectNode data = json.createObjectNode();
		data.put("chatId", change.chatId().value());
		data.put("sequence", change.sequence());
		data.put("status", change.status() == Chat.Status.CLOSED ? "closed" : "open");
		data.put("customerId", customer.id().value());
		data.put("customerName", customer.name());
		data.put("customerPhone", customer.phone());
		data.put("wabaNumber", business.number());
		data.putObject("message").put("text", change.message());
		customer(data, customer);
		business(data, business);
		if (change.assignee() == null) {
			data.putNull("assignee");
		}
		else {
			agent(data.putObject("assignee"), change.assignee());
		}
		actor(data, change.actor());
		data.put(change.status() == Chat.Status.CLOSED ? "resolvedAt" : "reopenedAt",
				Timestamps.format(change.occurredAt()));
		return data;
	}

	private static void customer(ObjectNode data, ChatAssignmentChanged.CustomerSnapshot customer) {
		ObjectNode node = data.putObject("customer");
		node.put("id", customer.id().value());
		node.put("name", customer.name());
		node.put("phone", customer.phone());
		node.put("waId", customer.waId());
	}

	private static void business(ObjectNode data, ChatAssignmentChanged.BusinessSnapshot business) {
		ObjectNode node = data.putObject("business");
		node.put("number", business.number());
		node.put("name", business.name());
		node.put("wabaId", business.wabaId());
		node.put("phoneNumberId", business.phoneNumberId());
	}

	private static void actor(ObjectNode parent, Actor actor) {
		ObjectNode node = parent.putObject("actor");
		node.put("type", actor.type().wire());
		node.put("id", actor.id());
		node.put("name", actor.name());
	}

	private static ObjectNode agent(ObjectNode node, AgentSnapshot agent) {
		node.put("id", agent.id().value());
		node.put("name", agent.name());
		node.put("phone", agent.phone());
		node.put("email", agent.email());
		return node;
	}
}
