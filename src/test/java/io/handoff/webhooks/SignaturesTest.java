package io.handoff.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class SignaturesTest {

	@Test
	void matchesTheStandardWebhooksTestVector() {
		String signature = Signatures.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
				1614265330, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

		assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	}

	@Test
	void signsWithEverySecretDuringRotation() {
		byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
		String header = Signatures.header(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
				"whsec_" + Base64.getEncoder().encodeToString(new byte[32])), "evt_1", 1700000000, body);

		String[] parts = header.split(" ");
		assertThat(parts).hasSize(2).allMatch(p -> p.startsWith("v1,"));
		assertThat(parts[0]).isEqualTo(Signatures.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "evt_1", 1700000000, body));
		assertThat(parts[1]).isNotEqualTo(parts[0]);
	}

	@Test
	void newSecretsAreThirtyTwoRandomBytes() {
		String secret = Signatures.newSecret();

		assertThat(secret).startsWith("whsec_");
		assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
		assertThat(Signatures.newSecret()).isNotEqualTo(secret);
	}
}
