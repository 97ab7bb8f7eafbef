package io.handoff.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}, keyed with the
 * base64-decoded part of a {@code whsec_} secret. Receivers verify with the Standard Webhooks (or Svix) libraries.
 */
public final class Signatures {

	static final String SECRET_PREFIX = "whsec_";
	private static final SecureRandom RANDOM = new SecureRandom();

	private Signatures() {
	}

	/** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
	static String newSecret() {
		byte[] key = new byte[32];
		RANDOM.nextBytes(key);
		return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
	}

	public static String sign(String secret, String id, long timestamp, byte[] body) {
		String key = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
		}
	}

	/**
	 * Whether {@code header} (a {@code webhook-signature} value: space-separated {@code v1,<base64>} entries) holds a
	 * valid signature of the message by {@code secret}; compares in constant time.
	 */
	public static boolean verify(String secret, String id, long timestamp, byte[] body, String header) {
		if (header == null || id == null) {
			return false;
		}
		byte[] expected = sign(secret, id, timestamp, body).getBytes(StandardCharsets.UTF_8);
		boolean valid = false;
		for (String candidate : header.trim().split("\\s+")) {
			valid |= java.security.MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
		}
		return valid;
	}

	/** Whether {@code secret} can sign: {@code whsec_} (optional) and base64 of at least 16 bytes. */
	public static boolean validSecret(String secret) {
		if (secret == null) {
			return false;
		}
		String key = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
		try {
			return Base64.getDecoder().decode(key).length >= 16;
		}
		catch (IllegalArgumentException e) {
			return false;
		}
	}

	/** The {@code webhook-signature} header: one signature per valid secret, space-separated. */
	public static String header(List<String> secrets, String id, long timestamp, byte[] body) {
		return secrets.stream().map(s -> sign(s, id, timestamp, body)).collect(Collectors.joining(" "));
	}
}
