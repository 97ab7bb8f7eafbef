package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

	@ParameterizedTest
	@CsvSource({ "+919111222333, +919111222333", "919111222333, +919111222333", "'+91 91112 22333', +919111222333",
			"'0091-9111-222-333', +919111222333", "'+1 (650) 253-0000', +16502530000",
			"'+44 20 7946 0958', +442079460958" })
	void normalisesToE164(String raw, String e164) {
		assertThat(PhoneNumbers.toE164("phone", raw)).isEqualTo(e164);
	}

	@ParameterizedTest
	@ValueSource(strings = { "12", "+91 12", "hello", "+999 1234567", "+1 000 000 0000", " " })
	void rejectsWhatIsNotAPhoneNumber(String raw) {
		assertThatThrownBy(() -> PhoneNumbers.toE164("customerPhone", raw))
			.isInstanceOfSatisfying(HandoffException.InvalidInput.class,
					e -> assertThat(e.field()).isEqualTo("customerPhone"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "+919111222333" })
	void waIdIsTheDigits(String e164) {
		assertThat(PhoneNumbers.waId(e164)).isEqualTo("919111222333");
	}
}
