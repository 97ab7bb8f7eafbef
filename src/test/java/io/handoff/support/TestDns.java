package io.handoff.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.handoff.platform.HostResolver;

/**
 * Host names the tests control, since this machine has no DNS for made-up names: each name answers its scripted
 * addresses in turn (the last answer repeats), which is how a rebinding DNS server behaves. Other names go to the
 * system resolver.
 */
public final class TestDns implements HostResolver {

	private final Map<String, Deque<List<String>>> answers = new ConcurrentHashMap<>();

	/** {@code host} answers each list in turn: the first lookup gets the first list, and so on. */
	@SafeVarargs
	public final void script(String host, List<String>... lookups) {
		answers.put(host, new ArrayDeque<>(List.of(lookups)));
	}

	@Override
	public InetAddress[] resolve(String host) throws UnknownHostException {
		Deque<List<String>> scripted = answers.get(host);
		if (scripted == null) {
			return InetAddress.getAllByName(host);
		}
		List<String> addresses;
		synchronized (scripted) {
			addresses = scripted.size() > 1 ? scripted.poll() : scripted.peek();
		}
		InetAddress[] resolved = new InetAddress[addresses.size()];
		for (int i = 0; i < resolved.length; i++) {
			resolved[i] = InetAddress.getByAddress(host, InetAddress.getByName(addresses.get(i)).getAddress());
		}
		return resolved;
	}
}
