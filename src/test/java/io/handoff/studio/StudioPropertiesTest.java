package io.handoff.studio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Run retention's settings as a node binds them: a cutoff of now or later, which would drop this month, is refused. */
class StudioPropertiesTest {

	static StudioProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("handoff.studio",
				StudioProperties.class);
	}

	@Test
	void keepsRunsThirtyDaysByDefault() {
		StudioProperties defaults = bind(Map.of());
		assertThat(defaults.runRetention()).isEqualTo(Duration.ofDays(30));
		assertThat(defaults.retentionInterval()).isEqualTo(Duration.ofHours(1));
		assertThat(bind(Map.of("handoff.studio.run-retention", "90d")).runRetention()).isEqualTo(Duration.ofDays(90));
	}

	@Test
	void refusesARetentionThatWouldDropThisMonth() {
		assertThatThrownBy(() -> bind(Map.of("handoff.studio.run-retention", "0s")))
			.hasRootCauseMessage("handoff.studio.run-retention must be at least 1d, not PT0S");
		assertThatThrownBy(() -> bind(Map.of("handoff.studio.retention-interval", "0s")))
			.hasRootCauseMessage("handoff.studio.retention-interval must be positive, not PT0S");
	}
}
