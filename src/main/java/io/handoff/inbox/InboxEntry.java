package io.handoff.inbox;

import java.time.Instant;

/**
 * A chat as a row of the inbox: its customer, when anything last happened in it, and its last message.
 *
 * @param lastDirection {@code inbound} or {@code outbound}, or null when the chat has no message yet
 * @param unread the customer's messages the viewing member has not seen (counted up to 100)
 */
public record InboxEntry(Chat chat, String customerName, String customerPhone, Instant lastActivityAt,
		String lastDirection, String lastType, String lastBody, Instant lastMessageAt, int unread) {

	/** The last message in a line: its text, or what kind of message it was. */
	public String preview() {
		if (lastDirection == null) {
			return null;
		}
		String text = lastBody != null && !lastBody.isBlank() ? lastBody.strip().replaceAll("\\s+", " ")
				: "(" + (lastType == null ? "message" : lastType) + ")";
		return text.length() > 90 ? text.substring(0, 89) + "…" : text;
	}

	public Cursor cursor() {
		return new Cursor(lastActivityAt, chat.id().value());
	}

	/** Where the next page starts: after this activity time and chat id. */
	public record Cursor(Instant lastActivityAt, String chatId) {

		public String encode() {
			return lastActivityAt.getEpochSecond() + "." + String.format("%09d", lastActivityAt.getNano()) + "~" + chatId;
		}

		/** The cursor a page link carried; null when there is none or it is not one of ours. */
		public static Cursor decode(String text) {
			if (text == null || !text.matches("\\d{1,12}\\.\\d{9}~[A-Za-z0-9_]{1,64}")) {
				return null;
			}
			String[] parts = text.split("~", 2);
			String[] time = parts[0].split("\\.");
			return new Cursor(Instant.ofEpochSecond(Long.parseLong(time[0]), Long.parseLong(time[1])), parts[1]);
		}
	}
}
