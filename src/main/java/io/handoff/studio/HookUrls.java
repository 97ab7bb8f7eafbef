package io.handoff.studio;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Absolute hook URLs: under {@code handoff.public-url} when set (what senders on the internet reach, e.g. behind a
 * proxy), else under the address the current request came to.
 */
@Component
class HookUrls {

	private final String publicUrl;

	HookUrls(@Value("${handoff.public-url:}") String publicUrl) {
		this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
	}

	String hookUrl(String token) {
		String path = "/hooks/" + token;
		if (!publicUrl.isBlank()) {
			return publicUrl + path;
		}
		if (RequestContextHolder.getRequestAttributes() != null) {
			return ServletUriComponentsBuilder.fromCurrentContextPath().path(path).toUriString();
		}
		return path;
	}
}
