package io.handoff.webhooks;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import io.handoff.platform.WorkspaceId;

/**
 * This instance's own Bot Studio hooks, which webhooks deliver to directly: a bot's On Webhook URL pasted as an
 * endpoint's URL is usually {@code http://localhost:8080/hooks/…} or a private address, which the URL guard rightly
 * refuses for anything else. Bot Studio answers this interface, so the dependency points from studio to webhooks.
 */
public interface LocalHooks {

	/** Whether {@code url} is the hook of one of the workspace's bots on this instance. */
	boolean isLocal(WorkspaceId workspace, URI url);

	/**
	 * Hands a signed request to the bot as its URL would have received it, without a network hop.
	 *
	 * @param headers the request's headers as the sender built them, one value each
	 * @return what its URL would have answered; empty when {@code url} is not a hook of this instance
	 */
	Optional<Reply> deliver(URI url, Map<String, String> headers, String contentType, byte[] body);

	/** A status and a JSON body. */
	record Reply(int status, String body) {
	}
}
