package io.handoff.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's verification of Standard Webhooks signatures, written from the specification and independent of the
 * code that signs: a header is valid when one of its space-separated {@code v1,} signatures matches.
 */
public final class StandardWebhooks {

	private StandardWebhooks() {
	}

	public static boolean verify(String secret, String id, String timestamp, byte[] body, String signatureHeader) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			byte[] expected = mac.doFinal(body);
			for (String signature : signatureHeader.split(" ")) {
				if (signature.startsWith("v1,") && MessageDigest.isEqual(expected,
						Base64.getDecoder().decode(signature.substring(3)))) {
					return true;
				}
			}
			return false;
		}
		catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}
}
