package io.handoff.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.springframework.stereotype.Component;

import io.handoff.platform.Ids;

/** This process's name in leases and in the attempt log: configured, or host name, pid and a random suffix. */
@Component
class NodeId {

	private final String value;

	NodeId(DeliveryProperties properties) {
		this.value = properties.nodeId().isBlank() ? generated() : properties.nodeId().strip();
	}

	String value() {
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
