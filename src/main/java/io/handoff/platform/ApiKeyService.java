package io.handoff.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys: {@code hk_} followed by 32 random bytes in base64url. Only the SHA-256 of a key is stored: the keys are
 * random enough that a slow password hash would add nothing but latency to every request. A workspace key acts with
 * the rights of a Team Lead; a member's key acts as that member, with their role, and stops working when the member
 * is removed.
 */
@Service
public class ApiKeyService {

	static final String PREFIX = "hk_";
	private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

	private final ApiKeys keys;
	private final MemberDirectory members;
	private final Clock clock;

	ApiKeyService(ApiKeys keys, MemberDirectory members, Clock clock) {
		this.keys = keys;
		this.members = members;
		this.clock = clock;
	}

	/** Creates a workspace key. */
	@Transactional
	public ApiKey.Created create(WorkspaceId workspace, String name) {
		return create(workspace, name, null);
	}

	/** Creates a key that acts for {@code memberId}, or a workspace key when it is null. */
	@Transactional
	public ApiKey.Created create(WorkspaceId workspace, String name, String memberId) {
		if (memberId != null && members.asCaller(workspace, memberId).isEmpty()) {
			throw new HandoffException.NotFound("memberId", "member", memberId);
		}
		String key = PREFIX + Tokens.random(32);
		String hint = key.substring(0, PREFIX.length() + 4) + "…" + key.substring(key.length() - 4);
		ApiKey apiKey = new ApiKey(Ids.next("key"), name, hint, memberId, Timestamps.now(clock), null, null);
		keys.insert(workspace, apiKey, hash(key));
		return new ApiKey.Created(apiKey, key);
	}

	/**
	 * Creates a key for a person: a key that acts as an Owner only an Owner may make, or a Team Lead could act as the
	 * Owner through it.
	 */
	@Transactional
	public ApiKey.Created create(Caller caller, String name, String memberId) {
		caller.requireManager();
		if (memberId != null && members.asCaller(caller.workspaceId(), memberId).map(Caller::owner).orElse(false)) {
			caller.requireOwner("create a key that acts as an Owner");
		}
		return create(caller.workspaceId(), name, memberId);
	}

	/** Revokes a key; an Owner's keys only an Owner may revoke. */
	@Transactional
	public ApiKey revoke(Caller caller, String id) {
		caller.requireManager();
		ApiKey key = keys.find(caller.workspaceId(), id)
			.orElseThrow(() -> new HandoffException.NotFound("id", "API key", id));
		if (key.memberId() != null && members.asCaller(caller.workspaceId(), key.memberId()).map(Caller::owner).orElse(false)) {
			caller.requireOwner("revoke an Owner's key");
		}
		return revoke(caller.workspaceId(), id);
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
		return keys.findActiveByHash(hash(presented)).flatMap(key -> {
			Optional<Caller> caller = key.memberId() == null
					? Optional.of(new Caller(key.workspace(), Caller.Kind.API_KEY, key.id(), key.name(), true))
					: members.asCaller(key.workspace(), key.memberId());
			Instant now = Timestamps.now(clock);
			// Recording every use would turn each read into a write; a minute's precision is what users look at.
			if (caller.isPresent() && (key.lastUsedAt() == null || key.lastUsedAt().isBefore(now.minus(TOUCH_INTERVAL)))) {
				keys.touch(key.id(), now);
			}
			return caller;
		});
	}
	static String hash(String key) {
		return Tokens.hash(key);
	}
}
