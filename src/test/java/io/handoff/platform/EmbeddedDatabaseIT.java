package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.handoff.HandoffApplication;
import io.handoff.support.Api;

/**
 * The way a newcomer runs Handoff: no database configured, so it starts its own PostgreSQL under the data directory,
 * durably, fills the demo workspace and prints how to get in; after a restart everything is still there.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedDatabaseIT {

	private static final Pattern API_KEY = Pattern.compile("Demo API key: (hk_\\S+)");

	@Test
	void runsOnItsOwnDurablePostgresWithTheDemoWorkspace(@TempDir Path dataDir, CapturedOutput output)
			throws Exception {
		String key;
		String workspace;
		try (ConfigurableApplicationContext app = start(dataDir)) {
			JdbcClient jdbc = app.getBean(JdbcClient.class);
			assertThat(jdbc.sql("SHOW fsync").query(String.class).single()).isEqualTo("on");
			assertThat(jdbc.sql("SHOW synchronous_commit").query(String.class).single()).isEqualTo("on");
			assertThat(jdbc.sql("SHOW server_version_num").query(Integer.class).single()).isGreaterThanOrEqualTo(170000);
			assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();

			workspace = jdbc.sql("SELECT id FROM workspaces").query(String.class).single();
			assertThat(count(jdbc, "SELECT count(*) FROM business_numbers")).isEqualTo(2);
			assertThat(count(jdbc, "SELECT count(*) FROM members")).isEqualTo(5);
			assertThat(jdbc.sql("SELECT DISTINCT r.name FROM members m JOIN roles r ON r.id = m.org_role_id")
				.query(String.class)
				.list()).containsExactlyInAnyOrder("Owner", "Team Lead", "Team Member",
						"Team Member (assigned chats only)");
			List<Long> assignablePerNumber = jdbc
				.sql("SELECT count(*) FROM member_number_roles GROUP BY business_number_id")
				.query(Long.class)
				.list();
			assertThat(assignablePerNumber).hasSize(2).allMatch(n -> n >= 3);
			assertThat(count(jdbc, "SELECT count(DISTINCT customer_id) FROM chats WHERE status = 'open'"))
				.isGreaterThanOrEqualTo(10);

			key = demoKey(output);
			assertThat(output).contains("Demo Owner sign-in: priya@acme.example / ");
			assertThat(output).contains("Handoff is running at http://localhost:" + port(app));
			Api api = new Api("http://localhost:" + port(app), key);
			assertThat(api.get("/api/v1/chats?status=open").json().get("data").size()).isGreaterThanOrEqualTo(10);
			assertThat(Files.exists(dataDir.resolve("demo-credentials.properties"))).isTrue();
			// With the embedded database the encryption key for secrets is generated beside it.
			assertThat(dataDir.resolve("secrets.key")).content().matches("[A-Za-z0-9+/]{43}=\\s*");
			assertAsksForItsPassword(app, dataDir);
		}

		try (ConfigurableApplicationContext app = start(dataDir)) {
			JdbcClient jdbc = app.getBean(JdbcClient.class);
			assertThat(jdbc.sql("SELECT id FROM workspaces").query(String.class).list()).containsExactly(workspace);
			Api api = new Api("http://localhost:" + port(app), key);
			assertThat(api.get("/api/v1/events").json().get("data").size()).isPositive();
			assertThat(output.getOut().split("Demo API key: " + key, -1)).hasSize(3);
		}
	}

	private static ConfigurableApplicationContext start(Path dataDir) {
		return new SpringApplicationBuilder(HandoffApplication.class).run("--spring.datasource.url=",
				"--handoff.data-dir=" + dataDir, "--handoff.demo=true", "--server.port=0");
	}

	/**
	 * A data directory from before passwords (created trusting every local connection, as the first versions did)
	 * gets one on the next start, and keeps its data.
	 */
	@Test
	void aDataDirectoryThatTrustedLocalConnectionsGetsAPassword(@TempDir Path dataDir) throws Exception {
		try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres old = io.zonky.test.db.postgres.embedded.EmbeddedPostgres
			.builder()
			.setDataDirectory(dataDir.resolve("postgres"))
			.setCleanDataDirectory(false)
			.start(); Connection connection = old.getPostgresDatabase().getConnection()) {
			connection.createStatement().execute(
					"CREATE SCHEMA legacy; CREATE TABLE legacy.kept (note text); INSERT INTO legacy.kept VALUES ('from before')");
		}
		assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf"))).containsPattern("(?m)^[^#].*trust\\s*$");
		try (ConfigurableApplicationContext app = start(dataDir)) {
			JdbcClient jdbc = app.getBean(JdbcClient.class);
			assertThat(jdbc.sql("SELECT note FROM legacy.kept").query(String.class).single()).isEqualTo("from before");
			assertAsksForItsPassword(app, dataDir);
		}
	}

	private static void assertAsksForItsPassword(ConfigurableApplicationContext app, Path dataDir) throws Exception {
		Path passwordFile = dataDir.resolve("postgres.password");
		assertThat(passwordFile).exists();
		assertThat(Files.getPosixFilePermissions(passwordFile)).containsExactlyInAnyOrder(
				java.nio.file.attribute.PosixFilePermission.OWNER_READ,
				java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
		assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf")))
			.doesNotContainPattern("(?m)^[^#].*trust\\s*$")
			.containsPattern("(?m)^host.*scram-sha-256\\s*$");
		String url = app.getBean(com.zaxxer.hikari.HikariDataSource.class).getJdbcUrl();
		for (String wrong : new String[] { "", "postgres", "not-the-password" }) {
			assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", wrong).close()).as(wrong)
				.isInstanceOf(SQLException.class);
		}
		try (Connection ok = DriverManager.getConnection(url, "postgres", Files.readString(passwordFile).strip())) {
			assertThat(ok.isValid(2)).isTrue();
		}
	}

	private static long count(JdbcClient jdbc, String sql) {
		return jdbc.sql(sql).query(Long.class).single();
	}

	private static String port(ConfigurableApplicationContext app) {
		return app.getEnvironment().getProperty("local.server.port");
	}

	private static String demoKey(CapturedOutput output) {
		Matcher matcher = API_KEY.matcher(output.getOut());
		assertThat(matcher.find()).as("the demo API key is logged").isTrue();
		return matcher.group(1);
	}
}
