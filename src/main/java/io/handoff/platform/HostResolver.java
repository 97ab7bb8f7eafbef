package io.handoff.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves host names: the system's DNS in production; tests substitute their own names. */
@FunctionalInterface
public interface HostResolver {

	InetAddress[] resolve(String host) throws UnknownHostException;

	static HostResolver system() {
		return InetAddress::getAllByName;
	}
}
