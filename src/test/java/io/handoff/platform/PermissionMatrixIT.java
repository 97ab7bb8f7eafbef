package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.Member;
import io.handoff.inbox.Role;
import io.handoff.inbox.TeamService;
import io.handoff.support.Api;
import io.handoff.support.Fixtures;
import io.handoff.support.IntegrationTest;

/**
 * The permission matrix of the README, walked row by row for each role through the API: the same services answer the
 * console and bots. "Assigned chats only" members see and act on only their chats; Team Members assign only on their
 * numbers and delete nothing; only Owners change Owners; another workspace sees nothing.
 */
@IntegrationTest
class PermissionMatrixIT {

	@Autowired
	Fixtures fixtures;

	@Autowired
	ChatService chats;

	@Autowired
	CustomerService customers;

	@Autowired
	TeamService team;

	@Autowired
	ApiKeyService apiKeys;

	Fixtures.Workspace ws;

	Map<String, Api> as = new LinkedHashMap<>();

	Member owner;

	Member dev;

	String supportChat;

	String sarasChat;

	String salesChat;

	@BeforeEach
	void setUp() {
		ws = fixtures.workspace();
		owner = team.createMember(ws.id(), new TeamService.MemberDetails("Olivia Owner", "olivia@company.com", null,
				Role.OWNER, Map.of()));
		// A Team Member with a role on Support only.
		dev = team.createMember(ws.id(), new TeamService.MemberDetails("Dev Patel", "dev@company.com", null,
				Role.TEAM_MEMBER, Map.of(ws.support().id(), Role.TEAM_MEMBER)));
		ChatService.Origin system = ChatService.Origin.manual(ws.anita().id(), ws.anita().name());
		supportChat = ws.chat().id().value();
		var saleCustomer = customers.create(ws.id(), "Kiran Rao", "+919111000777");
		sarasChat = chats.open(ws.id(), ws.sales().id(), saleCustomer.id()).id().value();
		chats.assign(ws.id(), new io.handoff.inbox.ChatId(sarasChat), ws.sara().id(), system);
		var other = customers.create(ws.id(), "Lena Das", "+919111000778");
		salesChat = chats.open(ws.id(), ws.sales().id(), other.id()).id().value();
		as.put("owner", key(owner));
		as.put("lead", key(ws.anita()));
		as.put("member", key(ws.rahul()));
		as.put("dev", key(dev));
		as.put("assigned", key(ws.sara()));
		as.put("workspace key", ws.api());
		as.put("other workspace", fixtures.workspace().api());
	}

	/** One row: what is done, and the status each caller gets. */
	record Row(String action, Function<Api, Api.Response> call, Map<String, Integer> expected) {
	}

	@Test
	void everyRoleGetsTheAnswerOfTheMatrix() {
		List<Row> rows = List.of(
				row("read a chat not assigned to them", a -> a.get("/api/v1/chats/" + supportChat),
						200, 200, 200, 200, 404, 200, 404),
				row("read their own chat", a -> a.get("/api/v1/chats/" + sarasChat), 200, 200, 200, 200, 200, 200, 404),
				row("read a chat's history", a -> a.get("/api/v1/chats/" + supportChat + "/assignments"),
						200, 200, 200, 200, 404, 200, 404),
				row("assign a Support chat", a -> a.post("/api/v1/chats/" + supportChat + "/assignment",
						"{\"memberId\": \"" + ws.john().id() + "\"}"), 200, 200, 200, 200, 404, 200, 404),
				row("assign a Sales chat (no role there for Dev)", a -> a.post("/api/v1/chats/" + salesChat + "/assignment",
						"{\"memberId\": \"" + ws.rahul().id() + "\"}"), 200, 200, 200, 403, 404, 200, 404),
				row("read a customer whose chat is someone else's", a -> a.get("/api/v1/customers/" + ws.rohan().id()),
						200, 200, 200, 200, 404, 200, 404),
				row("delete a customer", a -> a.delete("/api/v1/customers/" + ws.rohan().id()),
						409, 409, 403, 403, 403, 409, 404),
				row("delete a chat", a -> a.delete("/api/v1/chats/" + salesChat + "x"), 404, 404, 403, 403, 403, 404, 404),
				row("change the Owner's role", a -> a.patch("/api/v1/members/" + owner.id(), "{\"orgRole\": \"Team Member\"}"),
						422, 403, 403, 403, 403, 403, 404),
				row("remove the Owner", a -> a.delete("/api/v1/members/" + owner.id()), 422, 403, 403, 403, 403, 403, 404),
				row("make a key that acts as the Owner", a -> a.post("/api/v1/api-keys",
						"{\"name\": \"as owner\", \"memberId\": \"" + owner.id() + "\"}"), 201, 403, 403, 403, 403, 403, 404),
				row("make someone an Owner", a -> a.patch("/api/v1/members/" + ws.john().id(), "{\"orgRole\": \"Owner\"}"),
						200, 403, 403, 403, 403, 403, 404));

		List<String> mismatches = new java.util.ArrayList<>();
		for (Row row : rows) {
			row.expected().forEach((who, status) -> {
				Api.Response response = row.call().apply(as.get(who));
				if (response.status() != status) {
					mismatches.add(row.action() + " as " + who + ": " + response.status() + " (expected " + status + ") "
							+ response.body());
				}
				if (response.status() >= 400) {
					assertThat(response.contentType()).as(row.action() + " as " + who).startsWith("application/problem+json");
				}
			});
		}
		assertThat(mismatches).isEmpty();
	}

	@Test
	void assignedChatsOnlyMembersListOnlyTheirChatsCustomersAndEvents() {
		Api sara = as.get("assigned");
		JsonNode listed = sara.get("/api/v1/chats?limit=200").json().get("data");
		assertThat(listed.valueStream().map(c -> c.get("id").asString())).containsExactly(sarasChat);
		assertThat(sara.get("/api/v1/chats?unassigned=true").json().get("data")).isEmpty();
		assertThat(sara.get("/api/v1/customers").json().get("data").valueStream().map(c -> c.get("name").asString()))
			.containsExactly("Kiran Rao");
		assertThat(sara.get("/api/v1/customers?phone=%2B919111222333").status()).isEqualTo(404);
		chats.assign(ws.id(), ws.chat().id(), ws.john().id(), ChatService.Origin.manual(ws.anita().id(), "Anita"));
		JsonNode events = sara.get("/api/v1/events").json().get("data");
		assertThat(events).isNotEmpty();
		assertThat(events.valueStream().map(e -> e.get("chatId").asString())).containsOnly(sarasChat);
		String othersEvent = as.get("lead").get("/api/v1/events?chatId=" + supportChat).json().at("/data/0/id").asString();
		assertThat(sara.get("/api/v1/events/" + othersEvent).status()).isEqualTo(404);
	}

	@Test
	void aRefusedAssignmentByPhoneOpensNoChatAndRevealsNoCustomer() {
		var kiran = customers.create(ws.id(), "Kiran Shah", "+919111000555");
		String body = """
				{"customerPhone": "+919111000555", "businessNumber": "%s", "memberId": "%s"}"""
			.formatted(ws.sales().id(), ws.sara().id());
		// Dev has no role on Sales.
		assertThat(as.get("dev").post("/api/v1/assignments", body).status()).isEqualTo(403);
		// Sara may not see Kiran (no chat of his is hers): to her he does not exist, as on GET /customers.
		Api.Response hidden = as.get("assigned").post("/api/v1/assignments", body);
		assertThat(hidden.status()).as(hidden.body()).isEqualTo(404);
		assertThat(hidden.json().get("detail").asString()).startsWith("customerPhone: ");
		assertThat(as.get("lead").get("/api/v1/chats?customerId=" + kiran.id()).json().get("data")).isEmpty();
	}

	@Test
	void everyMemberSetsTheirOwnAvailabilityAndOnlyManagersSetOthers() {
		for (String who : List.of("member", "dev", "assigned")) {
			Member self = switch (who) {
				case "member" -> ws.rahul();
				case "dev" -> dev;
				default -> ws.sara();
			};
			Api.Response own = as.get(who).put("/api/v1/members/" + self.id() + "/availability",
					"{\"availability\": \"busy\"}");
			assertThat(own.status()).as(who + " " + own.body()).isEqualTo(200);
			assertThat(as.get(who).put("/api/v1/members/" + ws.john().id() + "/availability",
					"{\"availability\": \"offline\"}").status()).isEqualTo(403);
		}
		assertThat(as.get("lead").put("/api/v1/members/" + ws.john().id() + "/availability",
				"{\"availability\": \"offline\"}").status()).isEqualTo(200);
	}

	@Test
	void aWorkspaceKeepsAnOwner() {
		Api olivia = as.get("owner");
		Api.Response demote = olivia.patch("/api/v1/members/" + owner.id(), "{\"orgRole\": \"Team Lead\"}");
		assertThat(demote.status()).isEqualTo(422);
		assertThat(demote.json().get("detail").asString()).contains("at least one Owner");
		// With a second Owner, the first may step down.
		assertThat(olivia.patch("/api/v1/members/" + ws.john().id(), "{\"orgRole\": \"Owner\"}").status()).isEqualTo(200);
		assertThat(olivia.patch("/api/v1/members/" + owner.id(), "{\"orgRole\": \"Team Lead\"}").status()).isEqualTo(200);
	}

	private Row row(String action, Function<Api, Api.Response> call, int owner, int lead, int member, int dev,
			int assigned, int workspaceKey, int otherWorkspace) {
		Map<String, Integer> expected = new LinkedHashMap<>();
		expected.put("owner", owner);
		expected.put("lead", lead);
		expected.put("member", member);
		expected.put("dev", dev);
		expected.put("assigned", assigned);
		expected.put("workspace key", workspaceKey);
		expected.put("other workspace", otherWorkspace);
		return new Row(action, call, expected);
	}

	private Api key(Member member) {
		return ws.api().withKey(apiKeys.create(ws.id(), member.name(), member.id().value()).key());
	}
}
