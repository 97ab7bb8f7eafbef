package io.handoff.channels;

import java.util.List;

/**
 * An approved message template of a WhatsApp Business Account, as the composer offers it.
 *
 * @param parameters the body's placeholders in order: {@code 1, 2, …}, or names for templates with named parameters
 */
public record WhatsAppTemplate(String name, String language, String category, String header, String body,
		String footer, List<String> parameters) {
}
