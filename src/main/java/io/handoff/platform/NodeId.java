package io.handoff.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * This process's name in leases and logs ({@code handoff.node-id}): configured, or host name, pid and a random
 * suffix.
 */
@Component
public class NodeId {

	private final String value;

	NodeId(@Value("${handoff.node-id:}") String configured) {
		this.value = configured.isBlank() ? generated() : configured.strip();
	}

	public String value() {
		return value;
	}

	private static String generated() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException e) {
			host = "node";
		}
		String id = Ids.next("n");
		return host + "-" + ProcessHandle.current().pid() + "-" + id.substring(id.length() - 4);
	}
}
