package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.handoff.platform.HandoffException;

class UrlGuardTest {

	private final UrlGuard guard = new UrlGuard(List.of(), host -> {
		throw new UnknownHostException(host);
	});

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1",
			"169.254.169.254", "100.64.0.1", "100.100.100.200", "0.0.0.0", "224.0.0.1", "255.255.255.255",
			"198.18.0.1", "192.0.2.10", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
			"::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1",
			"::10.0.0.1" })
	void blocksInternalAddresses(String address) throws Exception {
		assertThat(guard.blockedReason(InetAddress.getByName(address))).as(address).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
			"::ffff:8.8.8.8" })
	void letsPublicAddressesThrough(String address) throws Exception {
		assertThat(guard.blockedReason(InetAddress.getByName(address))).as(address).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "file:///etc/passwd", "gopher://example.com/", "ftp://example.com/x", "javascript:alert(1)",
			"example.com/hook", "https://user:pass@example.com/hook", "http://", "https://exa mple.com/",
			"http://127.0.0.1:8080/", "http://[::1]/", "http://[::ffff:169.254.169.254]/", "http://169.254.169.254/latest",
			"http://localhost:9000/", "http://api.localhost/", "http://10.1.2.3/" })
	void refusesUrls(String url) {
		assertThatThrownBy(() -> guard.check("url", url)).isInstanceOfSatisfying(HandoffException.InvalidInput.class,
				e -> assertThat(e.field()).isEqualTo("url"));
	}

	@Test
	void acceptsPublicUrlsEvenBeforeTheirNameResolves() {
		assertThat(guard.check("url", "https://hooks.zapier.com/hooks/catch/1/abc/").getHost())
			.isEqualTo("hooks.zapier.com");
	}

	@Test
	void refusesOverlongUrls() {
		assertThatThrownBy(() -> guard.check("url", "https://example.com/" + "a".repeat(UrlGuard.MAX_URL_LENGTH)))
			.isInstanceOf(HandoffException.InvalidInput.class)
			.hasMessageContaining("at most");
	}

	@Test
	void allowListOpensChosenRanges() throws Exception {
		UrlGuard local = new UrlGuard(List.of("127.0.0.0/8", "::1/128"), InetAddress::getAllByName);

		assertThat(local.blockedReason(InetAddress.getByName("127.0.0.1"))).isNull();
		assertThat(local.blockedReason(InetAddress.getByName("::1"))).isNull();
		assertThat(local.blockedReason(InetAddress.getByName("10.0.0.1"))).isNotNull();
		assertThat(local.check("url", "http://localhost:8080/hook").getPort()).isEqualTo(8080);
	}

	@Test
	void connectTimeResolutionRefusesBlockedAnswers() {
		UrlGuard rebinding = new UrlGuard(List.of(), host -> new InetAddress[] {
				InetAddress.getByAddress(host, new byte[] { 93, (byte) 184, (byte) 215, 14 }),
				InetAddress.getByAddress(host, new byte[] { 10, 0, 0, 7 }) });

		assertThatThrownBy(() -> rebinding.dns().lookup("mixed.test"))
			.isInstanceOf(UrlGuard.BlockedAddressException.class)
			.hasMessageContaining("10.0.0.7");
	}
}
