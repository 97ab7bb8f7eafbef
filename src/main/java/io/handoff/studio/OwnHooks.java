package io.handoff.studio;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

import io.handoff.platform.HandoffException;
import io.handoff.platform.Tokens;
import io.handoff.platform.WorkspaceId;
import io.handoff.webhooks.LocalHooks;

/**
 * Recognises this instance's bot URLs (a known hook token on this machine's own addresses, or under
 * {@code handoff.public-url}) and delivers to them in-process, through the same {@link HookService#receive} a request
 * from outside goes through, so signatures, captures and runs behave exactly alike.
 */
@Component
class OwnHooks implements LocalHooks {

	private static final Pattern HOOK_PATH = Pattern.compile("/hooks/([A-Za-z0-9_-]{16,200})/?");

	private final Bots bots;
	private final HookService hooks;
	private final JsonMapper json;
	private final String publicHost;
	private final Set<String> ownHosts = new HashSet<>();

	OwnHooks(Bots bots, HookService hooks, JsonMapper json, @Value("${handoff.public-url:}") String publicUrl) {
		this.bots = bots;
		this.hooks = hooks;
		this.json = json;
		this.publicHost = publicUrl.isBlank() ? null : URI.create(publicUrl).getHost();
		ownHosts.add("localhost");
		try {
			ownHosts.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				Collections.list(nic.getInetAddresses()).forEach(a -> ownHosts.add(bare(a.getHostAddress())));
			}
		}
		catch (SocketException | UnknownHostException e) {
			// Loopback and the public URL still count as this instance.
		}
	}

	@Override
	public boolean isLocal(WorkspaceId workspace, URI url) {
		return token(url).flatMap(t -> bots.findByTokenHash(Tokens.hash(t)))
			.filter(bot -> bot.workspace().equals(workspace))
			.isPresent();
	}

	@Override
	public Optional<Reply> deliver(URI url, Map<String, String> headers, String contentType, byte[] body) {
		Optional<String> own = token(url);
		if (own.isEmpty()) {
			return Optional.empty();
		}
		// As the servlet container would hand them over: names in lower case, each with its values.
		Map<String, List<String>> received = new java.util.LinkedHashMap<>();
		headers.forEach((name, value) -> received.put(name.toLowerCase(Locale.ROOT), List.of(value)));
		try {
			HookService.Received accepted = hooks.receive(own.get(),
					new HookService.Incoming("POST", received, url.getRawQuery(), contentType, body, "127.0.0.1"));
			return Optional.of(new Reply(202, json.writeValueAsString(
					new HookController.Accepted(accepted.requestId(), accepted.captured(), accepted.runId()))));
		}
		catch (HandoffException e) {
			var problem = json.createObjectNode().put("status", e.status().value()).put("code", e.code())
				.put("detail", e.getMessage());
			return Optional.of(new Reply(e.status().value(), problem.toString()));
		}
	}

	/** The hook token of a URL on one of this instance's hosts, if it is one. */
	private Optional<String> token(URI url) {
		if (url == null || url.getHost() == null || url.getRawPath() == null) {
			return Optional.empty();
		}
		Matcher path = HOOK_PATH.matcher(url.getRawPath());
		return path.matches() && ownHost(bare(url.getHost().toLowerCase(Locale.ROOT))) ? Optional.of(path.group(1))
				: Optional.empty();
	}

	private boolean ownHost(String host) {
		if (host.equals(publicHost) || ownHosts.contains(host) || host.endsWith(".localhost")) {
			return true;
		}
		// Only address literals are looked at here: a name that merely resolves to loopback is not this instance's.
		try {
			return host.matches("[0-9.:]+") && InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (UnknownHostException e) {
			return false;
		}
	}

	private static String bare(String host) {
		String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
		int zone = h.indexOf('%');
		return zone < 0 ? h : h.substring(0, zone);
	}
}
