package io.handoff.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/** A key of one workspace sees nothing of another: foreign ids are simply not found. */
@IntegrationTest
class TenantIsolationIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	Fixtures.Workspace mine;

	Fixtures.Workspace theirs;

	@BeforeEach
	void workspaces() {
		mine = fixtures.workspace();
		theirs = fixtures.workspace();
		chats.assign(theirs.id(), theirs.chat().id(), theirs.john().id(),
				ChatService.Origin.manual(theirs.anita().id(), theirs.anita().name()));
	}

	@Test
	void foreignResourcesAreNotFound() {
		Api api = mine.api();
		for (String path : new String[] { "/api/v1/chats/" + theirs.chat().id(),
				"/api/v1/chats/" + theirs.chat().id() + "/assignments", "/api/v1/members/" + theirs.john().id(),
				"/api/v1/customers/" + theirs.rohan().id(), "/api/v1/business-numbers/" + theirs.support().id() }) {
			Api.Response response = api.get(path);
			assertThat(response.status()).as(path).isEqualTo(404);
			assertThat(response.contentType()).startsWith("application/problem+json");
		}
	}

	@Test
	void foreignChatsCannotBeChanged() {
		Api api = mine.api();
		assertThat(api.post("/api/v1/chats/" + theirs.chat().id() + "/assignment", """
				{"memberId": "%s"}""".formatted(mine.john().id())).status()).isEqualTo(404);
		assertThat(api.delete("/api/v1/chats/" + theirs.chat().id() + "/assignment").status()).isEqualTo(404);
		assertThat(api.patch("/api/v1/chats/" + theirs.chat().id(), """
				{"status": "closed"}""").status()).isEqualTo(404);
		assertThat(api.delete("/api/v1/chats/" + theirs.chat().id()).status()).isEqualTo(404);
		assertThat(chats.get(theirs.id(), theirs.chat().id(), "id").assigneeId()).isEqualTo(theirs.john().id());
	}

	@Test
	void foreignMembersCannotBeAssigned() {
		Api.Response response = mine.api()
			.post("/api/v1/chats/" + mine.chat().id() + "/assignment", """
					{"memberId": "%s"}""".formatted(theirs.john().id()));

		assertThat(response.status()).isEqualTo(404);
		assertThat(response.json().at("/errors/0/field").asString()).isEqualTo("memberId");
	}

	@Test
	void listsShowOnlyTheCallersWorkspace() {
		Api api = mine.api();
		assertThat(api.get("/api/v1/chats").json().get("data")).extracting(c -> c.get("id").asString())
			.containsExactly(mine.chat().id().value());
		assertThat(api.get("/api/v1/events").json().get("data")).isEmpty();
		assertThat(api.get("/api/v1/events?chatId=" + theirs.chat().id()).json().get("data")).isEmpty();
		assertThat(api.get("/api/v1/customers").json().get("data")).hasSize(1);
		assertThat(api.get("/api/v1/members").json().get("data")).hasSize(4);
		assertThat(api.get("/api/v1/api-keys").json().get("data")).hasSize(1);
	}

	@Test
	void foreignApiKeysCannotBeRevoked() {
		String theirKeyId = theirs.api().get("/api/v1/api-keys").json().at("/data/0/id").asString();

		assertThat(mine.api().delete("/api/v1/api-keys/" + theirKeyId).status()).isEqualTo(404);
		assertThat(theirs.api().get("/api/v1/chats").status()).isEqualTo(200);
	}
}
