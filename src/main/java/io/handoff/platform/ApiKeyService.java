package io.handoff.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Workspace API keys: {@code hk_} followed by 32 random bytes in base64url. Only the SHA-256 of a key is stored: the
 * keys are random enough that a slow password hash would add nothing but latency to every request.
 */
@Service
public class ApiKeyService {

	static final String PREFIX = "hk_";
	private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

	private final ApiKeys keys;
	private final Clock clock;
	private final SecureRandom random = new SecureRandom();

	ApiKeyService(ApiKeys keys, Clock clock) {
		this.keys = keys;
		this.clock = clock;
	}

	@Transactional
	public ApiKey.Created create(WorkspaceId workspace, String name) {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		String hint = key.substring(0, PREFIX.length() + 4) + "…" + key.substring(key.length() - 4);
		ApiKey apiKey = new ApiKey(Ids.next("key"), name, hint, Timestamps.now(clock), null, null);
		keys.insert(workspace, apiKey, hash(key));
		return new ApiKey.Created(apiKey, key);
	}

	public Page<ApiKey> list(WorkspaceId workspace, PageRequest page) {
		return Page.of(keys.list(workspace, page), page.limit(), ApiKey::id);
	}

	@Transactional
	public ApiKey revoke(WorkspaceId workspace, String id) {
		ApiKey key = keys.find(workspace, id).orElseThrow(() -> new HandoffException.NotFound("id", "API key", id));
		keys.revoke(workspace, id, Timestamps.now(clock));
		return keys.find(workspace, id).orElse(key);
	}

	/** The caller a presented key stands for, if it is a live key. */
	public Optional<Caller> authenticate(String presented) {
		if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 100) {
			return Optional.empty();
		}
		return keys.findActiveByHash(hash(presented)).map(key -> {
			Instant now = Timestamps.now(clock);
			// Recording every use would turn each read into a write; a minute's precision is what users look at.
			if (key.lastUsedAt() == null || key.lastUsedAt().isBefore(now.minus(TOUCH_INTERVAL))) {
				keys.touch(key.id(), now);
			}
			return new Caller(key.workspace(), Caller.Kind.API_KEY, key.id(), key.name(), true);
		});
	}

	static String hash(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-256 is part of every JDK", e);
		}
	}
}
