package io.handoff.inbox;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import io.handoff.platform.ApiKeyService;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.WorkspaceId;

/**
 * With {@code handoff.demo=true}, fills an empty database with a workspace to click through: two business numbers,
 * five members across the roles, twelve customers with open chats, some of them assigned. Its API key and the Owner's
 * sign-in are written to the data directory and printed at every start, so a restart does not lose them.
 */
@Component
class DemoWorkspace {

	private static final Logger log = LoggerFactory.getLogger(DemoWorkspace.class);
	private static final String CREDENTIALS_FILE = "demo-credentials.properties";

	private final HandoffProperties properties;
	private final WorkspaceService workspaces;
	private final TeamService team;
	private final CustomerService customers;
	private final ChatService chats;
	private final ApiKeyService apiKeys;
	private final Environment environment;

	DemoWorkspace(HandoffProperties properties, WorkspaceService workspaces, TeamService team,
			CustomerService customers, ChatService chats, ApiKeyService apiKeys, Environment environment) {
		this.properties = properties;
		this.workspaces = workspaces;
		this.team = team;
		this.customers = customers;
		this.chats = chats;
		this.apiKeys = apiKeys;
		this.environment = environment;
	}

	@EventListener(ApplicationReadyEvent.class)
	void onReady() throws IOException {
		String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
		if (properties.demo()) {
			Path file = properties.dataDir().resolve(CREDENTIALS_FILE);
			if (workspaces.none()) {
				write(file, create());
			}
			if (Files.exists(file)) {
				Properties credentials = read(file);
				log.info("Demo API key: {}", credentials.getProperty("apiKey"));
				log.info("Demo Owner sign-in: {} / {}", credentials.getProperty("ownerEmail"),
						credentials.getProperty("ownerPassword"));
			}
			else {
				log.info("Demo mode: the database already holds workspaces, so no demo workspace was created");
			}
		}
		log.info("Handoff is running at {} (API under {}/api/v1, documentation at {}/swagger-ui.html)", base, base,
				base);
	}

	private Properties create() {
		WorkspaceId ws = workspaces.create("Acme (demo)");
		BusinessNumber support = team.createNumber(ws,
				new TeamService.NumberDetails("+919000000000", "Acme Support", "102290129340398", null));
		BusinessNumber sales = team.createNumber(ws,
				new TeamService.NumberDetails("+919000000001", "Acme Sales", "102290129340398", null));

		Member owner = member(ws, "Priya Shah", "priya@acme.example", "+919820000001", Role.OWNER,
				Map.of(support.id(), Role.TEAM_LEAD, sales.id(), Role.TEAM_LEAD));
		Member lead = member(ws, "Anita Rao", "anita@acme.example", "+919812345678", Role.TEAM_LEAD,
				Map.of(support.id(), Role.TEAM_LEAD, sales.id(), Role.TEAM_MEMBER));
		Member john = member(ws, "John Doe", "john@acme.example", "+919876543210", Role.TEAM_MEMBER,
				Map.of(support.id(), Role.TEAM_MEMBER, sales.id(), Role.TEAM_MEMBER));
		Member rahul = member(ws, "Rahul Verma", "rahul@acme.example", "+919876500002", Role.TEAM_MEMBER,
				Map.of(support.id(), Role.TEAM_MEMBER));
		Member sara = member(ws, "Sara Khan", "sara@acme.example", "+919876500003", Role.TEAM_MEMBER_ASSIGNED,
				Map.of(sales.id(), Role.TEAM_MEMBER_ASSIGNED));

		List<String> names = List.of("Rohan Mehta", "Aisha Patel", "Vikram Singh", "Neha Gupta", "Arjun Nair",
				"Kavya Iyer", "Imran Sheikh", "Pooja Desai", "Karan Malhotra", "Sneha Reddy", "Dev Kapoor",
				"Meera Joshi");
		List<Member> supportAgents = List.of(lead, john, rahul);
		List<Member> salesAgents = List.of(john, sara, lead);
		ChatService.Origin byOwner = ChatService.Origin.manual(owner.id(), owner.name());
		for (int i = 0; i < names.size(); i++) {
			Customer customer = customers.create(ws, names.get(i), "+9191112223" + String.format("%02d", 30 + i));
			boolean onSupport = i % 2 == 0;
			Chat chat = chats.open(ws, onSupport ? support.id() : sales.id(), customer.id());
			// A third of the chats wait for someone to pick them up, as in a real inbox.
			if (i % 3 != 2) {
				List<Member> pool = onSupport ? supportAgents : salesAgents;
				chats.assign(ws, chat.id(), pool.get(i % pool.size()).id(), byOwner);
			}
		}

		String password = randomPassword();
		team.setPassword(ws, owner.id(), password);
		Properties credentials = new Properties();
		credentials.setProperty("workspaceId", ws.value());
		credentials.setProperty("apiKey", apiKeys.create(ws, "Demo key").key());
		credentials.setProperty("ownerEmail", owner.email());
		credentials.setProperty("ownerPassword", password);
		log.info("Created the demo workspace {}", ws);
		return credentials;
	}

	private Member member(WorkspaceId ws, String name, String email, String phone, String orgRole,
			Map<BusinessNumberId, String> numberRoles) {
		return team.createMember(ws, new TeamService.MemberDetails(name, email, phone, orgRole, numberRoles));
	}

	private static String randomPassword() {
		String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
		SecureRandom random = new SecureRandom();
		StringBuilder password = new StringBuilder();
		for (int i = 0; i < 16; i++) {
			password.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return password.toString();
	}

	private static void write(Path file, Properties credentials) throws IOException {
		Files.createDirectories(file.getParent());
		try (Writer out = Files.newBufferedWriter(file)) {
			credentials.store(out, "Demo workspace credentials, created with handoff.demo=true");
		}
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException e) {
			// Not a POSIX file system: the file keeps the directory's default permissions.
		}
	}

	private static Properties read(Path file) throws IOException {
		Properties properties = new Properties();
		try (Reader in = Files.newBufferedReader(file)) {
			properties.load(in);
		}
		return properties;
	}
}
