package io.handoff.studio;

import io.handoff.support.Api;

/** Lets tests of other packages call bots' hook URLs the way outside senders do. */
public final class HooksAccess {

	private HooksAccess() {
	}

	public static Api.Response send(String method, String url, String contentType, byte[] body,
			java.util.Map<String, String> headers) {
		return Hooks.send(method, url, contentType, body, headers);
	}

	public static Api.Response postJson(String url, String json) {
		return Hooks.postJson(url, json);
	}
}
