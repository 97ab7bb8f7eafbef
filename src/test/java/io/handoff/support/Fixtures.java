package io.handoff.support;

import java.util.Map;

import org.springframework.core.env.Environment;

import io.handoff.inbox.BusinessNumber;
import io.handoff.inbox.Chat;
import io.handoff.inbox.ChatService;
import io.handoff.inbox.Customer;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.Member;
import io.handoff.inbox.Role;
import io.handoff.inbox.TeamService;
import io.handoff.inbox.WorkspaceService;
import io.handoff.platform.ApiKeyService;
import io.handoff.platform.WorkspaceId;

/** Builds a fresh workspace per test: its own numbers, members, customer, open chat and API key. */
public class Fixtures {

	private final WorkspaceService workspaces;
	private final TeamService team;
	private final CustomerService customers;
	private final ChatService chats;
	private final ApiKeyService apiKeys;
	private final Environment environment;

	Fixtures(WorkspaceService workspaces, TeamService team, CustomerService customers, ChatService chats,
			ApiKeyService apiKeys, Environment environment) {
		this.workspaces = workspaces;
		this.team = team;
		this.customers = customers;
		this.chats = chats;
		this.apiKeys = apiKeys;
		this.environment = environment;
	}

	/**
	 * A workspace with two numbers. Support has a Team Lead (Anita) and two Team Members (John, Rahul); Sales has
	 * only Sara, who has no role on Support. The chat is Rohan's, open on Support and unassigned.
	 */
	public Workspace workspace() {
		WorkspaceId ws = workspaces.create("Test workspace");
		BusinessNumber support = team.createNumber(ws,
				new TeamService.NumberDetails("+91 90000 00000", "Acme Support", "102290129340398", null));
		BusinessNumber sales = team.createNumber(ws,
				new TeamService.NumberDetails("+919000000001", "Acme Sales", null, null));
		Member anita = team.createMember(ws, new TeamService.MemberDetails("Anita Rao", "anita@company.com",
				"+919812345678", Role.TEAM_LEAD, Map.of(support.id(), Role.TEAM_LEAD)));
		Member john = team.createMember(ws, new TeamService.MemberDetails("John Doe", "john@company.com",
				"+919876543210", Role.TEAM_LEAD, Map.of(support.id(), Role.TEAM_MEMBER)));
		Member rahul = team.createMember(ws, new TeamService.MemberDetails("Rahul Verma", "rahul@company.com", null,
				Role.TEAM_MEMBER, Map.of(support.id(), Role.TEAM_MEMBER, sales.id(), Role.TEAM_MEMBER)));
		Member sara = team.createMember(ws, new TeamService.MemberDetails("Sara Khan", "sara@company.com",
				"+919876500003", Role.TEAM_MEMBER_ASSIGNED, Map.of(sales.id(), Role.TEAM_MEMBER_ASSIGNED)));
		Customer rohan = customers.create(ws, "Rohan Mehta", "+919111222333");
		Chat chat = chats.open(ws, support.id(), rohan.id());
		String key = apiKeys.create(ws, "Test key").key();
		return new Workspace(ws, new Api("http://localhost:" + environment.getProperty("local.server.port"), key),
				support, sales, anita, john, rahul, sara, rohan, chat);
	}

	public record Workspace(WorkspaceId id, Api api, BusinessNumber support, BusinessNumber sales, Member anita,
			Member john, Member rahul, Member sara, Customer rohan, Chat chat) {
	}
}
