package io.handoff.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/** Assignment in each scenario, and the exact events it records (shared/design/EVENTS.md). */
@IntegrationTest
class AssignmentIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	@Autowired
	TeamService team;

	Fixtures.Workspace ws;

	@BeforeEach
	void workspace() {
		ws = fixtures.workspace();
	}

	@Test
	void manualReassignmentRecordsTheFullPayload() {
		var lead = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
		chats.assign(ws.id(), ws.chat().id(), ws.rahul().id(), lead);
		var result = chats.assign(ws.id(), ws.chat().id(), ws.john().id(), lead);

		assertThat(result.changed()).isTrue();
		assertThat(result.chat().assigneeId()).isEqualTo(ws.john().id());
		assertThat(result.chat().sequence()).isEqualTo(2);

		JsonNode event = latestEvent();
		String at = event.get("timestamp").asString();
		String expected = """
				{
				  "id": "%s",
				  "type": "chat.assigned",
				  "timestamp": "%s",
				  "workspaceId": "%s",
				  "data": {
				    "chatId": "%s",
				    "sequence": 2,
				    "customerId": "%s",
				    "customerName": "Rohan Mehta",
				    "customerPhone": "+919111222333",
				    "assignedUserId": "%s",
				    "assignedUserName": "John Doe",
				    "assignedUserPhone": "+919876543210",
				    "assignedUserEmail": "john@company.com",
				    "assignedUserOrgRole": "Team Lead",
				    "assignedUserWabaRole": "Team Member",
				    "wabaNumber": "+919000000000",
				    "message": { "text": "Anita Rao reassigned the chat to John Doe" },
				    "customer": { "id": "%s", "name": "Rohan Mehta", "phone": "+919111222333", "waId": "919111222333" },
				    "business": { "number": "+919000000000", "name": "Acme Support",
				                  "wabaId": "102290129340398", "phoneNumberId": null },
				    "assignee": { "id": "%s", "name": "John Doe", "phone": "+919876543210",
				                  "email": "john@company.com", "orgRole": "Team Lead", "wabaRole": "Team Member" },
				    "previousAssignee": { "id": "%s", "name": "Rahul Verma", "phone": null,
				                          "email": "rahul@company.com" },
				    "assignment": {
				      "source": "manual",
				      "reassigned": true,
				      "actor": { "type": "user", "id": "%s", "name": "Anita Rao" },
				      "botId": null,
				      "assignedAt": "%s"
				    }
				  }
				}
				""".formatted(event.get("id").asString(), at, ws.id(), ws.chat().id(), ws.rohan().id(), ws.john().id(),
				ws.rohan().id(), ws.john().id(), ws.rahul().id(), ws.anita().id(), at);
		assertThat(event).isEqualTo(Api.parse(expected));
		assertThat(event.get("id").asString()).startsWith("evt_");
		assertThat(at).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
	}

	@Test
	void firstAssignmentIsNotAReassignment() {
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(),
				ChatService.Origin.manual(ws.anita().id(), ws.anita().name()));

		JsonNode data = latestEvent().get("data");
		assertThat(data.get("sequence").asLong()).isEqualTo(1);
		assertThat(data.get("previousAssignee").isNull()).isTrue();
		assertThat(data.at("/assignment/reassigned").asBoolean()).isFalse();
		assertThat(data.at("/message/text").asString()).isEqualTo("Anita Rao assigned the chat to John Doe");
	}

	@Test
	void botWorkflowAssignmentNamesTheBot() {
		chats.assign(ws.id(), ws.chat().id(), ws.rahul().id(),
				ChatService.Origin.botWorkflow("bot_01SALESROUTER", "Sales router"));

		JsonNode assignment = latestEvent().at("/data/assignment");
		assertThat(assignment.get("source").asString()).isEqualTo("bot_workflow");
		assertThat(assignment.at("/actor/type").asString()).isEqualTo("bot");
		assertThat(assignment.at("/actor/id").asString()).isEqualTo("bot_01SALESROUTER");
		assertThat(assignment.at("/actor/name").asString()).isEqualTo("Sales router");
		assertThat(assignment.get("botId").asString()).isEqualTo("bot_01SALESROUTER");
		assertThat(latestEvent().at("/data/assignedUserName").asString()).isEqualTo("Rahul Verma");
	}

	@Test
	void aiBotAssignmentNamesTheAiBot() {
		chats.assign(ws.id(), ws.chat().id(), ws.anita().id(), ChatService.Origin.aiBot("bot_01TRIAGE", "Triage"));

		JsonNode assignment = latestEvent().at("/data/assignment");
		assertThat(assignment.get("source").asString()).isEqualTo("ai_bot");
		assertThat(assignment.at("/actor/type").asString()).isEqualTo("ai_bot");
		assertThat(assignment.get("botId").asString()).isEqualTo("bot_01TRIAGE");
		assertThat(latestEvent().at("/data/message/text").asString())
			.isEqualTo("Triage assigned the chat to Anita Rao");
	}

	@Test
	void apiAssignmentIsMadeByTheApiKey() {
		Api.Response response = ws.api()
			.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
					{"memberId": "%s"}""".formatted(ws.john().id()));

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("changed").asBoolean()).isTrue();
		assertThat(response.json().at("/chat/assigneeId").asString()).isEqualTo(ws.john().id().value());
		JsonNode assignment = latestEvent().at("/data/assignment");
		assertThat(assignment.get("source").asString()).isEqualTo("api");
		assertThat(assignment.at("/actor/type").asString()).isEqualTo("api_key");
		assertThat(assignment.at("/actor/name").asString()).isEqualTo("Test key");
		assertThat(assignment.at("/actor/id").asString()).startsWith("key_");
	}

	@Test
	void assignsByMemberEmail() {
		Api.Response response = ws.api()
			.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
					{"memberEmail": "RAHUL@company.com"}""");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().at("/chat/assigneeId").asString()).isEqualTo(ws.rahul().id().value());
	}

	@Test
	void assigningTheCurrentAssigneeChangesNothing() {
		var lead = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(), lead);

		Api.Response again = ws.api()
			.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
					{"memberId": "%s"}""".formatted(ws.john().id()));

		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("changed").asBoolean()).isFalse();
		assertThat(again.json().at("/chat/sequence").asLong()).isEqualTo(1);
		assertThat(events()).hasSize(1);
		assertThat(history()).hasSize(1);
	}

	@Test
	void unassignRecordsChatUnassigned() {
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(),
				ChatService.Origin.manual(ws.anita().id(), ws.anita().name()));

		Api.Response response = ws.api().delete("/api/v1/chats/" + ws.chat().id() + "/assignment");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("changed").asBoolean()).isTrue();
		assertThat(response.json().at("/chat/assigneeId").isNull()).isTrue();
		JsonNode event = latestEvent();
		assertThat(event.get("type").asString()).isEqualTo("chat.unassigned");
		JsonNode data = event.get("data");
		assertThat(data.get("sequence").asLong()).isEqualTo(2);
		assertThat(data.get("assignee").isNull()).isTrue();
		assertThat(data.get("assignedUserId").isNull()).isTrue();
		assertThat(data.at("/previousAssignee/name").asString()).isEqualTo("John Doe");
		assertThat(data.at("/assignment/reassigned").asBoolean()).isFalse();
		assertThat(data.at("/assignment/unassignedAt").asString()).isEqualTo(event.get("timestamp").asString());
		assertThat(data.at("/message/text").asString()).isEqualTo("Test key unassigned the chat from John Doe");

		Api.Response again = ws.api().delete("/api/v1/chats/" + ws.chat().id() + "/assignment");
		assertThat(again.json().get("changed").asBoolean()).isFalse();
		assertThat(events()).hasSize(2);
	}

	@Test
	void payloadIsFrozenWhenTheEventHappens() {
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(),
				ChatService.Origin.manual(ws.anita().id(), ws.anita().name()));

		team.updateMember(ws.id(), ws.john().id(),
				new TeamService.MemberDetails("Johnny Doe", "johnny@company.com", null, null, null));

		JsonNode data = latestEvent().get("data");
		assertThat(data.get("assignedUserName").asString()).isEqualTo("John Doe");
		assertThat(data.get("assignedUserEmail").asString()).isEqualTo("john@company.com");
	}

	@Test
	void onlyMembersWithARoleOnTheNumberCanBeAssigned() {
		Api.Response response = ws.api()
			.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
					{"memberId": "%s"}""".formatted(ws.sara().id()));

		assertThat(response.status()).isEqualTo(422);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("memberId");
		assertThat(response.json().get("detail").asString()).contains("Sara Khan has no role");
		assertThat(events()).isEmpty();
		assertThat(chats.get(ws.id(), ws.chat().id(), "id").assigneeId()).isNull();
	}

	@Test
	void assignsByCustomerPhoneAndBusinessNumber() {
		Api.Response response = ws.api().post("/api/v1/assignments", """
				{"customerPhone": "919111222333", "businessNumber": "+91 90000-00000", "memberEmail": "john@company.com"}
				""");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().at("/chat/id").asString()).isEqualTo(ws.chat().id().value());
		assertThat(response.json().at("/chat/assigneeId").asString()).isEqualTo(ws.john().id().value());
	}

	@Test
	void assigningByPhoneOpensAChatWhenTheCustomerHasNone() {
		Api.Response response = ws.api().post("/api/v1/assignments", """
				{"customerPhone": "+919111222333", "businessNumber": "%s", "memberId": "%s"}
				""".formatted(ws.sales().id(), ws.rahul().id()));

		assertThat(response.status()).isEqualTo(200);
		JsonNode chat = response.json().get("chat");
		assertThat(chat.get("id").asString()).isNotEqualTo(ws.chat().id().value());
		assertThat(chat.get("businessNumberId").asString()).isEqualTo(ws.sales().id().value());
		assertThat(chat.get("sequence").asLong()).isEqualTo(1);
	}

	@Test
	void historyListsEveryChangeNewestFirst() {
		var lead = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(), lead);
		chats.assign(ws.id(), ws.chat().id(), ws.rahul().id(), ChatService.Origin.botWorkflow("bot_1", "Router"));
		chats.unassign(ws.id(), ws.chat().id(), lead);

		JsonNode page = ws.api().get("/api/v1/chats/" + ws.chat().id() + "/assignments?limit=2").json();
		assertThat(page.get("hasMore").asBoolean()).isTrue();
		JsonNode first = page.get("data").get(0);
		assertThat(first.get("sequence").asLong()).isEqualTo(3);
		assertThat(first.at("/from/name").asString()).isEqualTo("Rahul Verma");
		assertThat(first.get("to").isNull()).isTrue();
		JsonNode second = page.get("data").get(1);
		assertThat(second.get("source").asString()).isEqualTo("bot_workflow");
		assertThat(second.at("/actor/name").asString()).isEqualTo("Router");
		assertThat(second.at("/from/id").asString()).isEqualTo(ws.john().id().value());
		assertThat(second.at("/to/id").asString()).isEqualTo(ws.rahul().id().value());

		JsonNode rest = ws.api()
			.get("/api/v1/chats/" + ws.chat().id() + "/assignments?after=" + page.get("nextCursor").asString())
			.json();
		assertThat(rest.get("data")).hasSize(1);
		assertThat(rest.at("/data/0/sequence").asLong()).isEqualTo(1);
		assertThat(rest.at("/data/0/actor/type").asString()).isEqualTo("user");
		assertThat(rest.get("hasMore").asBoolean()).isFalse();
	}

	@Test
	void eventsAreListedNewestFirstAndFilter() {
		var lead = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(), lead);
		chats.unassign(ws.id(), ws.chat().id(), lead);
		Chat other = chats.open(ws.id(), ws.sales().id(), ws.rohan().id());
		chats.assign(ws.id(), other.id(), ws.rahul().id(), lead);

		List<JsonNode> all = events();
		assertThat(all).extracting(e -> e.get("type").asString())
			.containsExactly("chat.assigned", "chat.unassigned", "chat.assigned");
		assertThat(all.get(0).get("chatId").asString()).isEqualTo(other.id().value());

		JsonNode unassigned = ws.api().get("/api/v1/events?type=chat.unassigned").json();
		assertThat(unassigned.get("data")).hasSize(1);
		JsonNode ofChat = ws.api().get("/api/v1/events?chatId=" + ws.chat().id()).json();
		assertThat(ofChat.get("data")).extracting(e -> e.get("sequence").asLong()).containsExactly(2L, 1L);

		JsonNode firstPage = ws.api().get("/api/v1/events?limit=2").json();
		assertThat(firstPage.get("hasMore").asBoolean()).isTrue();
		JsonNode secondPage = ws.api().get("/api/v1/events?limit=2&after=" + firstPage.get("nextCursor").asString())
			.json();
		assertThat(secondPage.get("data")).hasSize(1);
		assertThat(secondPage.at("/data/0/payload/data/sequence").asLong()).isEqualTo(1);
	}

	@Test
	void closedChatsCannotBeAssigned() {
		ws.api().patch("/api/v1/chats/" + ws.chat().id(), """
				{"status": "closed"}""");

		Api.Response response = ws.api()
			.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
					{"memberId": "%s"}""".formatted(ws.john().id()));

		assertThat(response.status()).isEqualTo(409);
		assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("chatId");
	}

	@Test
	void membersCanBeListedByTheNumberTheyWorkOn() {
		JsonNode members = ws.api().get("/api/v1/members?businessNumberId=" + ws.support().id()).json();
		assertThat(members.get("data")).extracting(m -> m.get("name").asString())
			.containsExactlyInAnyOrder("Anita Rao", "John Doe", "Rahul Verma");
		assertThat(members.at("/data/0/numberRoles/0/role").isString()).isTrue();
	}

	private List<JsonNode> events() {
		JsonNode page = ws.api().get("/api/v1/events").json();
		return page.get("data").valueStream().toList();
	}

	private JsonNode latestEvent() {
		return events().getFirst().get("payload");
	}

	private List<JsonNode> history() {
		return ws.api().get("/api/v1/chats/" + ws.chat().id() + "/assignments").json().get("data").valueStream().toList();
	}
}
