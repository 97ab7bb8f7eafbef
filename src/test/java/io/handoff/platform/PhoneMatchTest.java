package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PhoneMatchTest {

	private final PhoneMatch indian = PhoneMatch.of("+919111222333", "+919800000001");

	@ParameterizedTest
	@ValueSource(strings = { "+919111222333", "919111222333", "+91 91112 22333", "+91-91112-22333", "(+91) 9111 222 333",
			"09111 222333", "91112 22333", "9111222333", "0091 9111 222333", " +91 (911) 122-2333 " })
	void theSameNumberInAnyFormatMatches(String typed) {
		assertThat(indian.matches(typed)).as(typed).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "+1 911-122-2333", "+919111222334", "09111 222334", "911122233", "+4491112223330", "",
			"not a number", "+91 91112 22333 ext. 12 and a lot more text after it" })
	void anotherNumberDoesNot(String typed) {
		assertThat(indian.matches(typed)).as(typed).isFalse();
	}

	@Test
	void nationalNumbersAreReadInTheBusinessesCountry() {
		PhoneMatch american = PhoneMatch.of("+16505551234", "+16505550000");
		assertThat(american.matches("(650) 555-1234")).isTrue();
		assertThat(american.matches("+1 650-555-1234")).isTrue();
		assertThat(american.matches("1 650 555 1234")).isTrue();
		assertThat(american.nationalDigits()).isEqualTo("6505551234");
		assertThat(american.internationalDigits()).isEqualTo("16505551234");
		// An American customer of an Indian business: a number typed without a country code is Indian.
		assertThat(PhoneMatch.of("+16505551234", "+919800000001").matches("(650) 555-1234")).isFalse();
		assertThat(PhoneMatch.of("+16505551234", "+919800000001").matches("+1 (650) 555-1234")).isTrue();
	}
}
