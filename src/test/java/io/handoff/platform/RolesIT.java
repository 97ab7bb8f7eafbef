package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.inbox.ChatService;
import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * Roles are enforced on the server. A member's API key acts as that member: Owners and Team Leads manage settings
 * (webhooks, numbers, team, keys); Team Members work chats but cannot open settings.
 */
@IntegrationTest
class RolesIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	Fixtures.Workspace ws;

	Api lead;

	Api agent;

	@BeforeEach
	void keys() {
		ws = fixtures.workspace();
		lead = ws.api().withKey(memberKey(ws.anita().id().value()));
		agent = ws.api().withKey(memberKey(ws.rahul().id().value()));
	}

	@Test
	void teamMembersCannotManageSettings() {
		String webhook = """
				{"name": "x", "url": "https://example.com/hook", "eventTypes": ["chat.assigned"]}""";
		String id = ws.api().post("/api/v1/webhooks", webhook).json().at("/endpoint/id").asString();

		for (Api.Response response : new Api.Response[] { agent.get("/api/v1/webhooks"),
				agent.post("/api/v1/webhooks", webhook), agent.get("/api/v1/webhooks/" + id),
				agent.get("/api/v1/webhooks/" + id + "/secret"), agent.post("/api/v1/webhooks/" + id + "/secret/rotate", null),
				agent.post("/api/v1/webhooks/" + id + "/test", null), agent.post("/api/v1/webhooks/" + id + "/disable", null),
				agent.patch("/api/v1/webhooks/" + id, "{\"name\": \"mine\"}"), agent.delete("/api/v1/webhooks/" + id),
				agent.get("/api/v1/api-keys"), agent.post("/api/v1/api-keys", "{\"name\": \"escalate\"}"),
				agent.post("/api/v1/business-numbers", "{\"number\": \"+919000000009\", \"displayName\": \"X\"}"),
				agent.post("/api/v1/members", "{\"name\": \"X\", \"email\": \"x@company.com\", \"orgRole\": \"Owner\"}"),
				agent.patch("/api/v1/members/" + ws.rahul().id(), "{\"orgRole\": \"Owner\"}"),
				agent.post("/api/v1/roles", "{\"name\": \"Boss\", \"base\": \"owner\"}") }) {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.contentType()).startsWith("application/problem+json");
			assertThat(response.json().get("code").asString()).isEqualTo("forbidden");
		}
		assertThat(ws.api().get("/api/v1/webhooks/" + id).json().get("name").asString()).isEqualTo("x");
		assertThat(ws.api().get("/api/v1/members/" + ws.rahul().id()).json().get("orgRole").asString())
			.isEqualTo("Team Member");
	}

	@Test
	void teamLeadsManageWebhooks() {
		Api.Response created = lead.post("/api/v1/webhooks", """
				{"name": "Lead's CRM", "url": "https://example.com/hook", "eventTypes": ["chat.assigned"]}""");

		assertThat(created.status()).isEqualTo(201);
		String id = created.json().at("/endpoint/id").asString();
		assertThat(lead.get("/api/v1/webhooks/" + id + "/secret").json().get("secret").asString())
			.isEqualTo(created.json().get("secret").asString());
		assertThat(lead.get("/api/v1/api-keys").status()).isEqualTo(200);
	}

	@Test
	void teamMembersWorkTheirChatsAsThemselves() {
		assertThat(agent.get("/api/v1/chats").status()).isEqualTo(200);
		assertThat(agent.get("/api/v1/members").status()).isEqualTo(200);

		Api.Response assigned = agent.post("/api/v1/chats/" + ws.chat().id() + "/assignment", """
				{"memberId": "%s"}""".formatted(ws.rahul().id()));

		assertThat(assigned.status()).isEqualTo(200);
		JsonNode assignment = ws.api().get("/api/v1/events").json().at("/data/0/payload/data/assignment");
		assertThat(assignment.get("source").asString()).isEqualTo("manual");
		assertThat(assignment.at("/actor/type").asString()).isEqualTo("user");
		assertThat(assignment.at("/actor/id").asString()).isEqualTo(ws.rahul().id().value());
		assertThat(assignment.at("/actor/name").asString()).isEqualTo("Rahul Verma");
	}

	@Test
	void customRolesActAsTheirBase() {
		ws.api().post("/api/v1/roles", "{\"name\": \"Shift Supervisor\", \"base\": \"team_lead\"}");
		ws.api().patch("/api/v1/members/" + ws.rahul().id(), "{\"orgRole\": \"Shift Supervisor\"}");

		assertThat(agent.get("/api/v1/webhooks").status()).isEqualTo(200);
	}

	@Test
	void aRemovedMembersKeyStopsWorking() {
		chats.unassign(ws.id(), ws.chat().id(), ChatService.Origin.manual(ws.anita().id(), ws.anita().name()));
		assertThat(ws.api().delete("/api/v1/members/" + ws.rahul().id()).status()).isEqualTo(204);

		Api.Response response = agent.get("/api/v1/chats");
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.json().get("code").asString()).isEqualTo("invalid_api_key");
	}

	@Test
	void memberKeysNeedAMemberOfTheWorkspace() {
		Api.Response response = ws.api().post("/api/v1/api-keys", """
				{"name": "ghost", "memberId": "usr_01UNKNOWN"}""");

		assertThat(response.status()).isEqualTo(404);
		assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("memberId");
	}

	private String memberKey(String memberId) {
		Api.Response created = ws.api().post("/api/v1/api-keys", """
				{"name": "personal", "memberId": "%s"}""".formatted(memberId));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.json().at("/apiKey/memberId").asString()).isEqualTo(memberId);
		return created.json().get("key").asString();
	}
}
