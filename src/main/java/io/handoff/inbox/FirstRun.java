package io.handoff.inbox;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.handoff.platform.HandoffException;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.Tokens;

/**
 * What an empty database gets at start, without the demo: with {@code handoff.setup.owner-email} and the password in
 * the environment variable {@code HANDOFF_SETUP_OWNER_PASSWORD}, the workspace is set up at once (for installs by
 * script); otherwise a one-time setup token is made and the address of the setup page, with the token, is printed.
 * The token lives in this process only: a restart prints a new one, and whoever can read the log can set up.
 */
@Component
public class FirstRun {

	private static final Logger log = LoggerFactory.getLogger(FirstRun.class);

	private final SetupService setup;
	private final HandoffProperties properties;
	private final Environment environment;
	private final String ownerEmail;
	private final String ownerName;
	private final String workspaceName;
	private volatile String token;

	FirstRun(SetupService setup, HandoffProperties properties, Environment environment,
			@Value("${handoff.setup.owner-email:}") String ownerEmail,
			@Value("${handoff.setup.owner-name:Owner}") String ownerName,
			@Value("${handoff.setup.workspace-name:My workspace}") String workspaceName) {
		this.setup = setup;
		this.properties = properties;
		this.environment = environment;
		this.ownerEmail = ownerEmail;
		this.ownerName = ownerName;
		this.workspaceName = workspaceName;
	}

	/** After the demo (which fills an empty database itself when asked for). */
	@EventListener(ApplicationReadyEvent.class)
	@Order(10)
	void onReady() {
		if (properties.demo() || !setup.needed()) {
			return;
		}
		if (!ownerEmail.isBlank()) {
			String password = environment.getProperty("HANDOFF_SETUP_OWNER_PASSWORD", "");
			try {
				setup.setUp(new SetupService.Details(workspaceName, ownerName, ownerEmail, password, null, null));
				log.info("Set up the workspace '{}' with its Owner {}: sign in at /login", workspaceName, ownerEmail);
			}
			catch (HandoffException e) {
				log.error("Could not set up from handoff.setup.*: {} {} (the password comes from the environment "
						+ "variable HANDOFF_SETUP_OWNER_PASSWORD)", e.field() == null ? "" : e.field(), e.getMessage());
			}
			return;
		}
		token = Tokens.random(18);
		String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
		log.info("No workspace yet. Open {}/setup?token={} to create yours and its Owner (the token works once, until "
				+ "Handoff restarts)", base, token);
	}

	/** Whether {@code candidate} is this process's setup token. */
	public boolean tokenMatches(String candidate) {
		String expected = token;
		return expected != null && candidate != null && MessageDigest.isEqual(
				expected.getBytes(StandardCharsets.UTF_8), candidate.strip().getBytes(StandardCharsets.UTF_8));
	}

	/** Setup ran: the token is spent. */
	public void spent() {
		token = null;
	}
}
