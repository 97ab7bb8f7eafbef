package io.handoff.platform;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 range such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
record Cidr(byte[] network, int prefix, String text) {

	static Cidr parse(String text) {
		String trimmed = text.strip();
		int slash = trimmed.indexOf('/');
		if (slash < 0) {
			throw new IllegalArgumentException("'" + text + "' is not a CIDR range such as 10.0.0.0/8");
		}
		String address = trimmed.substring(0, slash);
		if (!address.contains(":") && !address.matches("[0-9.]+")) {
			throw new IllegalArgumentException("'" + text + "' is not a CIDR range such as 10.0.0.0/8");
		}
		try {
			byte[] network = InetAddress.getByName(address).getAddress();
			int prefix = Integer.parseInt(trimmed.substring(slash + 1));
			if (prefix < 0 || prefix > network.length * 8) {
				throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
			}
			return new Cidr(network, prefix, trimmed);
		}
		catch (UnknownHostException | NumberFormatException e) {
			throw new IllegalArgumentException("'" + text + "' is not a CIDR range such as 10.0.0.0/8", e);
		}
	}

	boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length != network.length) {
			return false;
		}
		int full = prefix / 8;
		for (int i = 0; i < full; i++) {
			if (bytes[i] != network[i]) {
				return false;
			}
		}
		int rest = prefix % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xFF << (8 - rest)) & 0xFF;
		return (bytes[full] & mask) == (network[full] & mask);
	}

	/**
	 * The IPv4 address an IPv6 address stands for, when it embeds one: IPv4-mapped ({@code ::ffff:a.b.c.d}),
	 * IPv4-compatible ({@code ::a.b.c.d}), NAT64 ({@code 64:ff9b::a.b.c.d}) and 6to4 ({@code 2002:abcd:efgh::}).
	 */
	static InetAddress embeddedIpv4(InetAddress address) {
		if (!(address instanceof Inet6Address)) {
			return null;
		}
		byte[] b = address.getAddress();
		boolean zeros80 = true;
		for (int i = 0; i < 10; i++) {
			zeros80 &= b[i] == 0;
		}
		boolean mapped = zeros80 && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
		boolean compatible = zeros80 && b[10] == 0 && b[11] == 0;
		boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B;
		try {
			if (mapped || compatible || nat64) {
				return Inet4Address.getByAddress(new byte[] { b[12], b[13], b[14], b[15] });
			}
			if (b[0] == 0x20 && b[1] == 0x02) {
				return Inet4Address.getByAddress(new byte[] { b[2], b[3], b[4], b[5] });
			}
		}
		catch (UnknownHostException e) {
			throw new IllegalStateException("four bytes always make an IPv4 address", e);
		}
		return null;
	}
}
