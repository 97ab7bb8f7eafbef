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

	/** The same message, sent at {@code epochSeconds}. */
	public static String textMessageAt(String phoneNumberId, String messageId, String from, String name, String text,
			long epochSeconds) {
		return textMessage(phoneNumberId, messageId, from, name, text).replace("\"1764000000\"", "\"" + epochSeconds + "\"");
	}

	/**
	 * A status of a message the business sent, as Meta reports it; {@code failed} carries Meta's error (code, title,
	 * message, details).
	 */
	public static String status(String phoneNumberId, String wamid, String recipient, String status, long epochSeconds,
			Integer errorCode, String errorTitle, String details) {
		String errors = errorCode == null ? "" : """
				, "errors": [{"code": %d, "title": "%s", "message": "%s", "error_data": {"details": "%s"},
				               "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]"""
			.formatted(errorCode, errorTitle, errorTitle, details);
		return """
				{"object": "whatsapp_business_account",
				 "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
				   "messaging_product": "whatsapp",
				   "metadata": {"display_phone_number": "919000000000", "phone_number_id": "%s"},
				   "statuses": [{"id": "%s", "status": "%s", "timestamp": "%d", "recipient_id": "%s",
				                 "pricing": {"billable": true, "pricing_model": "PMP", "category": "utility"}%s}]}}]}]}"""
			.formatted(phoneNumberId, wamid, status, epochSeconds, recipient, errors);
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
