package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class IdsTest {

	@Test
	void idsArePrefixedUlids() {
		assertThat(Ids.next("chat")).matches("chat_[0-9A-HJKMNP-TV-Z]{26}");
	}

	@Test
	void idsOfLaterMillisecondsSortAfter() throws InterruptedException {
		String earlier = Ids.next("evt");
		Thread.sleep(2);
		assertThat(Ids.next("evt")).isGreaterThan(earlier);
	}

	@Test
	void idsDoNotRepeat() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 100_000; i++) {
			assertThat(seen.add(Ids.next("x"))).isTrue();
		}
	}
}
