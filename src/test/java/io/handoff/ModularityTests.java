package io.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** The module boundaries of ARCHITECTURE.md hold: modules use each other only through their public surface. */
class ModularityTests {

	private final ApplicationModules modules = ApplicationModules.of(HandoffApplication.class);

	@Test
	void modulesRespectTheirBoundaries() {
		assertThat(modules.stream().map(m -> m.getIdentifier().toString())).contains("platform", "inbox", "events");
		modules.verify();
	}

	@Test
	void writesModuleDocumentation() {
		Documenter documenter = new Documenter(modules);
		documenter.writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
		assertThat(Path.of("target/spring-modulith-docs/components.puml")).content()
			.contains("\"Inbox\"", "\"Events\"")
			.containsPattern("Events, .*Inbox, \"listens to\"");
	}
}
