package io.handoff.platform;

import java.util.Optional;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/**
 * One customer's number, and whether a number as someone typed it into a CRM is the same one: {@code +91 91112 22333},
 * {@code 919111222333}, {@code +91-91112-22333}, {@code (+91) 9111 222 333}, {@code 09111 222333} and
 * {@code 91112 22333} all are {@code +919111222333} for a business in India. A number typed without a country code is
 * read in the business's country (its number's), and must then be the same number in full: the same ten digits in
 * another country, or one digit off, are another customer.
 */
public final class PhoneMatch {

	private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

	private final String e164;
	private final Phonenumber.PhoneNumber number;
	private final String region;

	private PhoneMatch(String e164, Phonenumber.PhoneNumber number, String region) {
		this.e164 = e164;
		this.number = number;
		this.region = region;
	}

	/**
	 * @param e164 the customer's number in E.164
	 * @param businessNumber the business number the customer wrote to (E.164), whose country national numbers are
	 *        read in; null to use the customer's own country
	 */
	public static PhoneMatch of(String e164, String businessNumber) {
		Phonenumber.PhoneNumber number = parse(e164, null)
			.orElseThrow(() -> new IllegalArgumentException("not an E.164 number"));
		String region = Optional.ofNullable(businessNumber)
			.flatMap(b -> parse(b.strip(), null))
			.map(UTIL::getRegionCodeForNumber)
			.orElse(UTIL.getRegionCodeForNumber(number));
		return new PhoneMatch(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), number, region);
	}

	public String e164() {
		return e164;
	}

	/** The national significant number's digits, as CRMs' formatting-blind phone search is given them. */
	public String nationalDigits() {
		return UTIL.getNationalSignificantNumber(number);
	}

	/** Country code and national number, digits only ({@code 919111222333}). */
	public String internationalDigits() {
		return e164.substring(1);
	}

	/** The region national numbers are read in ({@code IN}). */
	public String region() {
		return region;
	}

	/** Whether {@code typed} (as stored in a CRM) is this number. */
	public boolean matches(String typed) {
		if (typed == null || typed.isBlank() || typed.length() > 40) {
			return false;
		}
		String text = typed.strip();
		if (parse(text, region).filter(this::same).isPresent()) {
			return true;
		}
		// International without the "+": "919111222333", or "1 650 555 1234" typed for a business elsewhere.
		String digits = text.replaceAll("\\D", "");
		return !text.startsWith("+") && !text.startsWith("0") && parse("+" + digits, null).filter(this::same).isPresent();
	}

	private boolean same(Phonenumber.PhoneNumber candidate) {
		return candidate.getCountryCode() == number.getCountryCode()
				&& candidate.getNationalNumber() == number.getNationalNumber()
				&& candidate.isItalianLeadingZero() == number.isItalianLeadingZero();
	}

	private static Optional<Phonenumber.PhoneNumber> parse(String text, String region) {
		try {
			return Optional.of(UTIL.parse(text, region));
		}
		catch (NumberParseException e) {
			return Optional.empty();
		}
	}

	@Override
	public String toString() {
		return e164;
	}
}
