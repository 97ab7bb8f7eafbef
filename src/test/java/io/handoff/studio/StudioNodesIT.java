package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import io.handoff.support.Api;
import io.handoff.support.Await;
import io.handoff.support.FreshDatabase;
import io.handoff.support.NodeProcess;

/** Round robin as separate processes see it: the rotation lives in the database, so a restart does not reset it. */
class StudioNodesIT {

	@TempDir
	Path dir;

	@Test
	void roundRobinStaysFairOver300ChatsAcrossARestart() throws Exception {
		String database = FreshDatabase.create("studio");
		List<String> chats = new ArrayList<>();
		String hookUrlPath;
		List<String> pool = new ArrayList<>();
		try (NodeProcess a = NodeProcess.start("studio-a", database, dir, "--handoff.demo=true")) {
			Api api = new Api(a.baseUrl(), a.awaitLog("Demo API key: (hk_\\S+)", Duration.ofSeconds(30)));
			String support = api.get("/api/v1/business-numbers").json().get("data").valueStream()
				.filter(n -> n.get("number").asString().equals("+919000000000"))
				.findFirst()
				.orElseThrow()
				.get("id")
				.asString();
			for (JsonNode member : api.get("/api/v1/members?businessNumberId=" + support).json().get("data")) {
				if (pool.size() < 3) {
					pool.add(member.get("id").asString());
				}
			}
			assertThat(pool).hasSize(3);
			for (int i = 0; i < 300; i++) {
				String customer = api.post("/api/v1/customers", """
						{"name": "Lead %d", "phone": "+9197%08d"}""".formatted(i, 10_000_000 + i)).json().get("id").asString();
				chats.add(api.post("/api/v1/chats", """
						{"businessNumberId": "%s", "customerId": "%s"}""".formatted(support, customer)).json().get("id").asString());
			}
			JsonNode bot = api.post("/api/v1/bots", "{\"name\": \"Round robin\", \"status\": \"active\"}").json();
			String id = bot.get("id").asString();
			hookUrlPath = bot.at("/trigger/hookUrl").asString().replaceFirst("^https?://[^/]+", "");
			api.put("/api/v1/bots/" + id + "/variables", "[{\"name\": \"chatId\", \"path\": \"/body/chatId\", \"required\": true}]");
			Api.Response steps = api.put("/api/v1/bots/" + id + "/steps", """
					[{"id": "route", "type": "assign_agent", "config": {"strategy": "round_robin", "pool": ["%s", "%s", "%s"]}}]"""
				.formatted(pool.get(0), pool.get(1), pool.get(2)));
			assertThat(steps.status()).as(steps.body()).isEqualTo(200);

			for (String chat : chats.subList(0, 150)) {
				assertThat(Hooks.postJson(a.baseUrl() + hookUrlPath, "{\"chatId\": \"" + chat + "\"}").status()).isEqualTo(202);
			}
			Await.until("the first 150 runs", () -> finishedRuns(database) == 150);
			a.kill();
		}

		try (NodeProcess b = NodeProcess.start("studio-b", database, dir)) {
			for (String chat : chats.subList(150, 300)) {
				assertThat(Hooks.postJson(b.baseUrl() + hookUrlPath, "{\"chatId\": \"" + chat + "\"}").status()).isEqualTo(202);
			}
			Await.until("all 300 runs", () -> finishedRuns(database) == 300);
		}

		Map<String, Integer> counts = assignees(database, chats);
		assertThat(counts).containsOnlyKeys(pool);
		assertThat(counts.values()).containsOnly(100);
	}

	private static int finishedRuns(String database) {
		try (Connection c = DriverManager.getConnection(database);
				ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM bot_runs WHERE status = 'succeeded'")) {
			rs.next();
			return rs.getInt(1);
		}
		catch (SQLException e) {
			throw new IllegalStateException(e);
		}
	}

	private static Map<String, Integer> assignees(String database, List<String> chats) throws SQLException {
		Map<String, Integer> counts = new HashMap<>();
		try (Connection c = DriverManager.getConnection(database);
				PreparedStatement statement = c.prepareStatement("SELECT assignee_id FROM chats WHERE id = ANY (?)")) {
			statement.setArray(1, c.createArrayOf("text", chats.toArray()));
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					counts.merge(rs.getString(1), 1, Integer::sum);
				}
			}
		}
		return counts;
	}
}
