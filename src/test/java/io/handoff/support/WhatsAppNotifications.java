package io.handoff.support;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Notifications in the WhatsApp Cloud API's shape, signed as Meta signs them. */
public final class WhatsAppNotifications {

	private WhatsAppNotifications() {
	}

	/** One text message from {@code from} (a wa_id) to the number Meta knows as {@code phoneNumberId}. */
	public static String textMessage(String phoneNumberId, String messageId, String from, String name, String text) {
		return """
				{"object": "whatsapp_business_account",
				 "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
				   "messaging_product": "whatsapp",
				   "metadata": {"display_phone_number": "919000000000", "phone_number_id": "%s"},
				   "contacts": [{"profile": {"name": "%s"}, "wa_id": "%s"}],
				   "messages": [{"from": "%s", "id": "%s", "timestamp": "1764000000", "type": "text",
				                 "text": {"body": "%s"}}]}}]}]}""".formatted(phoneNumberId, name, from, from, messageId, text);
	}

	/** The {@code X-Hub-Signature-256} value: {@code sha256=} and the hex HMAC-SHA256 of the body with the app secret. */
	public static String signature(String appSecret, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (java.security.GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}
}
