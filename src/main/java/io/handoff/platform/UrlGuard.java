package io.handoff.platform;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import okhttp3.Dns;


/**
 * Keeps outbound requests away from the inside of the network (server-side request forgery). A URL must be
 * {@code http} or {@code https}, without credentials, of sane length, and its host must not be, or resolve to, a
 * loopback, private, shared, link-local (cloud metadata), multicast, documentation or reserved address, in IPv4 or
 * IPv6, including IPv6 forms that embed an IPv4 address. The check runs when a URL is saved and again, through
 * {@link #dns()}, on the addresses a request actually connects to, so a name that is re-pointed later (DNS
 * rebinding) is still refused. Ranges in {@code handoff.webhooks.allowed-networks} are let through.
 */
public class UrlGuard {

	static final int MAX_URL_LENGTH = 2048;

	private static final List<Cidr> BLOCKED = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
			"169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
			"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128",
			"100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
		.stream()
		.map(Cidr::parse)
		.toList();

	private final List<Cidr> allowed;
	private final HostResolver resolver;

	public UrlGuard(List<String> allowedNetworks, HostResolver resolver) {
		this.allowed = allowedNetworks.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
		this.resolver = resolver;
	}

	/**
	 * Checks a URL a user typed. Host names that resolve now are checked on their addresses; names that do not
	 * resolve yet are accepted, since every request checks again.
	 *
	 * @throws HandoffException.InvalidInput naming {@code field} when the URL is refused
	 */
	public URI check(String field, String url) {
		URI uri = parse(field, url);
		String host = hostOf(uri);
		if (isLiteral(host)) {
			try {
				refuseIfBlocked(field, InetAddress.getByName(host));
			}
			catch (UnknownHostException e) {
				throw new HandoffException.InvalidInput(field, "has an invalid address");
			}
		}
		try {
			for (InetAddress address : resolve(uri.getHost())) {
				refuseIfBlocked(field, address);
			}
		}
		catch (UnknownHostException e) {
			// Unknown today; each request resolves and checks again.
		}
		return uri;
	}

	/** The OkHttp resolver that refuses blocked addresses at connect time. */
	public Dns dns() {
		return hostname -> {
			List<InetAddress> addresses = List.of(resolve(hostname));
			for (InetAddress address : addresses) {
				String reason = blockedReason(address);
				if (reason != null) {
					throw new BlockedAddressException(hostname, address, reason);
				}
			}
			return addresses;
		};
	}

	/** Refuses a URL whose host is an address literal in a blocked range; OkHttp does not resolve literals. */
	public void checkLiteral(URI uri) throws BlockedAddressException {
		String host = hostOf(uri);
		if (isLiteral(host)) {
			try {
				InetAddress address = InetAddress.getByName(host);
				String reason = blockedReason(address);
				if (reason != null) {
					throw new BlockedAddressException(host, address, reason);
				}
			}
			catch (UnknownHostException e) {
				throw new BlockedAddressException(host, null, "not a valid address");
			}
		}
	}

	/**
	 * Checks only that a URL is well formed (scheme, length, no credentials, a host), not where it points.
	 *
	 * @throws HandoffException.InvalidInput naming {@code field} when it is not
	 */
	public URI parse(String field, String url) {
		if (url == null || url.isBlank()) {
			throw new HandoffException.InvalidInput(field, "must not be blank");
		}
		if (url.length() > MAX_URL_LENGTH) {
			throw new HandoffException.InvalidInput(field, "must be at most " + MAX_URL_LENGTH + " characters");
		}
		URI uri;
		try {
			uri = new URI(url.strip());
		}
		catch (URISyntaxException e) {
			throw new HandoffException.InvalidInput(field, "is not a valid URL: " + e.getReason());
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new HandoffException.InvalidInput(field, "must start with https:// or http://");
		}
		if (uri.getRawUserInfo() != null) {
			throw new HandoffException.InvalidInput(field,
					"must not contain credentials; use the endpoint's authorization settings instead");
		}
		if (uri.getHost() == null || uri.getHost().isBlank()) {
			throw new HandoffException.InvalidInput(field, "must name a host");
		}
		return uri;
	}

	private void refuseIfBlocked(String field, InetAddress address) {
		String reason = blockedReason(address);
		if (reason != null) {
			throw new HandoffException.InvalidInput(field, "points at a " + reason + " address ("
					+ address.getHostAddress() + "), which Handoff does not call, to keep requests away from the inside "
					+ "of its network. Use a public URL (for a server on your own machine, a tunnel such as ngrok or "
					+ "cloudflared gives one), or allow the network with the setting handoff.webhooks.allowed-networks");
		}
	}

	private InetAddress[] resolve(String host) throws UnknownHostException {
		String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
		if (isLiteral(bare)) {
			return new InetAddress[] { InetAddress.getByName(bare) };
		}
		// Always this machine (RFC 6761), whatever a resolver might say.
		if (bare.equalsIgnoreCase("localhost") || bare.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
			return new InetAddress[] { InetAddress.getByName("127.0.0.1") };
		}
		return resolver.resolve(bare);
	}

	/** Why an address may not be reached, or null when it may. */
	String blockedReason(InetAddress address) {
		if (allowed.stream().anyMatch(c -> c.contains(address))) {
			return null;
		}
		InetAddress embedded = Cidr.embeddedIpv4(address);
		if (embedded != null) {
			return blockedReason(embedded);
		}
		if (address.isLoopbackAddress()) {
			return "loopback";
		}
		if (address.isLinkLocalAddress()) {
			return "link-local or cloud metadata";
		}
		if (address.isMulticastAddress()) {
			return "multicast";
		}
		if (address.isSiteLocalAddress() || address.isAnyLocalAddress()) {
			return "private";
		}
		for (Cidr range : BLOCKED) {
			if (range.contains(address)) {
				return "private or reserved";
			}
		}
		return null;
	}

	private static String hostOf(URI uri) {
		String host = uri.getHost().toLowerCase(Locale.ROOT);
		if (host.endsWith(".")) {
			host = host.substring(0, host.length() - 1);
		}
		return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
	}

	private static boolean isLiteral(String host) {
		return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
	}

	/** A request refused because its host is, or resolved to, a blocked address. */
	public static final class BlockedAddressException extends UnknownHostException {

		BlockedAddressException(String host, InetAddress address, String reason) {
			super("refused to connect to " + host + (address == null ? "" : " (" + address.getHostAddress() + ")")
					+ ": " + reason + " address");
		}
	}
}
