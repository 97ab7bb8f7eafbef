package io.handoff.connectors;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import okhttp3.FormBody;
import okhttp3.Request;

import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Access tokens of Google service accounts by the OAuth 2.0 JWT-bearer grant: a JWT signed RS256 with the account's
 * private key ({@code iss} the account, {@code scope}, {@code aud} the token URI, valid one hour) is exchanged at
 * the token URI. Tokens are reused until a minute before they expire.
 */
@Component
class GoogleTokens {

	static final String SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets";

	private final OutboundHttp http;
	private final JsonMapper json;
	private final Clock clock;
	private final Map<String, Token> cache = new ConcurrentHashMap<>();
	private final Map<String, ReentrantLock> fetching = new ConcurrentHashMap<>();

	GoogleTokens(OutboundHttp http, JsonMapper json, Clock clock) {
		this.http = http;
		this.json = json;
		this.clock = clock;
	}

	private record Token(String value, Instant expires, String keyFingerprint) {
	}

	/** A valid access token; the exchange's tries go to {@code output}. */
	String token(ConnectionService.Resolved connection, ObjectNode output)
			throws CallFailed, InterruptedException {
		String fingerprint = Integer.toHexString(connection.secret("privateKey").hashCode());
		String valid = cached(connection, fingerprint);
		if (valid != null) {
			return valid;
		}
		// Runs that start together share one exchange rather than each fetch a token.
		ReentrantLock lock = fetching.computeIfAbsent(connection.id(), id -> new ReentrantLock());
		lock.lockInterruptibly();
		try {
			valid = cached(connection, fingerprint);
			return valid != null ? valid : fetch(connection, fingerprint, output);
		}
		finally {
			lock.unlock();
		}
	}

	private String cached(ConnectionService.Resolved connection, String fingerprint) {
		Token cached = cache.get(connection.id());
		boolean fresh = cached != null && cached.keyFingerprint().equals(fingerprint)
				&& cached.expires().isAfter(clock.instant().plusSeconds(60));
		return fresh ? cached.value() : null;
	}

	private String fetch(ConnectionService.Resolved connection, String fingerprint, ObjectNode output)
			throws CallFailed, InterruptedException {
		Instant now = clock.instant();
		String assertion = assertion(connection, now);
		Request request = new Request.Builder().url(connection.setting("tokenUri"))
			.post(new FormBody.Builder().add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
				.add("assertion", assertion)
				.build())
			.build();
		try {
			OutboundHttp.Exchange exchange = http.call(request);
			Steps.logTries(output, exchange.tries(), json);
			if (!exchange.ok()) {
				throw CallFailed.of("Google's token endpoint answered " + exchange.status() + ": "
						+ (exchange.body().length() > 300 ? exchange.body().substring(0, 300) : exchange.body()), exchange);
			}
			JsonNode answer = json.readTree(exchange.body());
			String token = answer.path("access_token").asString(null);
			if (token == null) {
				throw new CallFailed("Google's token endpoint answered without an access_token");
			}
			cache.put(connection.id(),
					new Token(token, now.plusSeconds(answer.path("expires_in").asLong(3600)), fingerprint));
			return token;
		}
		catch (OutboundHttp.Failed e) {
			Steps.logTries(output, e.tries(), json);
			throw CallFailed.of("Google's token endpoint failed: " + e.getMessage(), e);
		}
	}

	String assertion(ConnectionService.Resolved connection, Instant now) {
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		ObjectNode header = json.createObjectNode().put("alg", "RS256").put("typ", "JWT");
		ObjectNode claims = json.createObjectNode()
			.put("iss", connection.setting("clientEmail"))
			.put("scope", SHEETS_SCOPE)
			.put("aud", connection.setting("tokenUri"))
			.put("iat", now.getEpochSecond())
			.put("exp", now.getEpochSecond() + 3600);
		String signingInput = base64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
				+ base64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
		try {
			Signature rsa = Signature.getInstance("SHA256withRSA");
			rsa.initSign(ConnectionService.privateKey(connection.secret("privateKey")));
			rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + base64.encodeToString(rsa.sign());
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("The service account's key was checked when saved", e);
		}
	}
}
