package io.handoff.platform;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/**
 * Phone numbers in E.164 ({@code +919111222333}), checked with libphonenumber. Input may carry spaces, dashes,
 * brackets, a leading {@code 00}, or no {@code +} at all as in WhatsApp ids; it must include the country code.
 */
public final class PhoneNumbers {

	private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

	private PhoneNumbers() {
	}

	/**
	 * The E.164 form of {@code raw}.
	 *
	 * @param field the request field the value came from, named in the error
	 * @throws HandoffException.InvalidInput when the value is not a valid phone number
	 */
	public static String toE164(String field, String raw) {
		if (raw == null || raw.isBlank()) {
			throw new HandoffException.InvalidInput(field, "must not be blank");
		}
		String trimmed = raw.strip();
		if (trimmed.length() > 32) {
			throw new HandoffException.InvalidInput(field, "is too long to be a phone number");
		}
		if (trimmed.startsWith("00")) {
			trimmed = "+" + trimmed.substring(2);
		}
		else if (!trimmed.startsWith("+")) {
			trimmed = "+" + trimmed;
		}
		try {
			Phonenumber.PhoneNumber number = UTIL.parse(trimmed, null);
			if (!UTIL.isValidNumber(number)) {
				throw invalid(field, raw);
			}
			return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
		}
		catch (NumberParseException e) {
			throw invalid(field, raw);
		}
	}

	/** The WhatsApp id of an E.164 number: its digits. */
	public static String waId(String e164) {
		return e164.substring(1);
	}

	private static HandoffException.InvalidInput invalid(String field, String raw) {
		return new HandoffException.InvalidInput(field,
				"'" + raw + "' is not a valid phone number; use international format with the country code, such as +919111222333");
	}
}
