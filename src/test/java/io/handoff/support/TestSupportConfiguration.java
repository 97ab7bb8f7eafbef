package io.handoff.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

import io.handoff.inbox.ChatService;
import io.handoff.inbox.CustomerService;
import io.handoff.inbox.TeamService;
import io.handoff.inbox.WorkspaceService;
import io.handoff.platform.ApiKeyService;

@TestConfiguration(proxyBeanMethods = false)
class TestSupportConfiguration {

	@Bean
	@Primary
	MutableClock mutableClock() {
		return new MutableClock();
	}

	@Bean
	@Primary
	TestDns testDns() {
		return new TestDns();
	}

	@Bean
	Fixtures fixtures(WorkspaceService workspaces, TeamService team, CustomerService customers, ChatService chats,
			ApiKeyService apiKeys, Environment environment) {
		return new Fixtures(workspaces, team, customers, chats, apiKeys, environment);
	}
}
