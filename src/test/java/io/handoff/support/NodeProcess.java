package io.handoff.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Handoff node in a process of its own, started from the test classpath with its own port and a shared database,
 * as a second server in production would be. {@link #kill()} is SIGKILL: no shutdown hooks, no goodbyes.
 */
public final class NodeProcess implements AutoCloseable {

	private final String name;
	private final Process process;
	private final Path log;
	private final int port;

	private NodeProcess(String name, Process process, Path log, int port) {
		this.name = name;
		this.process = process;
		this.log = log;
		this.port = port;
	}

	public static NodeProcess start(String name, String jdbcUrl, Path workDir, String... extraArguments) {
		return startWithEnvironment(name, jdbcUrl, workDir, java.util.Map.of(), extraArguments);
	}

	/** A node with these environment variables set, as an install script would set them. */
	public static NodeProcess startWithEnvironment(String name, String jdbcUrl, Path workDir,
			java.util.Map<String, String> environment, String... extraArguments) {
		try {
			int port = freePort();
			Files.createDirectories(workDir);
			Path log = workDir.resolve(name + ".log");
			List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx512m"));
			// A benchmark may profile the node: -Dhandoff.node.jvm-options="-XX:StartFlightRecording=…".
			String options = System.getProperty("handoff.node.jvm-options", "").strip();
			if (!options.isEmpty()) {
				command.addAll(List.of(options.split("\\s+")));
			}
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.handoff.HandoffApplication",
					"--spring.datasource.url=" + jdbcUrl, "--server.port=" + port,
					"--handoff.data-dir=" + workDir.resolve(name + "-data"),
					"--handoff.secrets.key=dGVzdC1rZXktZm9yLWhhbmRvZmYtdGVzdHMtMzJieXQ=",
					"--handoff.node-id=" + name));
			// Receivers in tests listen on this machine; a test that wants the guard as shipped says so.
			if (java.util.Arrays.stream(extraArguments).noneMatch(a -> a.startsWith("--handoff.webhooks.allowed-networks"))) {
				command.add("--handoff.webhooks.allowed-networks=127.0.0.0/8,::1/128");
			}
			command.addAll(List.of(extraArguments));
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().putAll(environment);
			Process process = builder.start();
			// A benchmark stopped by a signal (a timeout) takes its node with it instead of leaving it loading the machine.
			Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(process::destroyForcibly));
			NodeProcess node = new NodeProcess(name, process, log, port);
			node.awaitLog("Handoff is running at", Duration.ofSeconds(90));
			return node;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public String baseUrl() {
		return "http://localhost:" + port;
	}

	/** The first match of {@code pattern}'s first group in the node's output, waiting for it to appear. */
	public String awaitLog(String pattern, Duration limit) {
		Pattern compiled = Pattern.compile(pattern.contains("(") ? pattern : Pattern.quote(pattern));
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new AssertionError(name + " exited early:\n" + tail());
			}
			Matcher matcher = compiled.matcher(output());
			if (matcher.find()) {
				return matcher.groupCount() > 0 ? matcher.group(1) : matcher.group();
			}
			sleep(100);
		}
		throw new AssertionError(name + " did not log '" + pattern + "' in time:\n" + tail());
	}

	/** The node's resident memory now, in bytes (Linux), or -1. */
	public long residentBytes() {
		try {
			for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException e) {
			// Not Linux, or the process is gone.
		}
		return -1;
	}

	/** Kills the process at once with SIGKILL, as a crash or an out-of-memory kill would. */
	public void kill() {
		process.destroyForcibly();
		try {
			process.waitFor();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	public long pid() {
		return process.pid();
	}

	public boolean isAlive() {
		return process.isAlive();
	}

	/** Asks the node to stop (SIGTERM, as systemd and Docker do) and answers how long it took to exit. */
	public Duration stop(Duration limit) {
		long started = System.nanoTime();
		process.destroy();
		try {
			if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
				kill();
				throw new AssertionError(name + " did not stop within " + limit + ":\n" + tail());
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		return Duration.ofNanos(System.nanoTime() - started);
	}

	/** The node's output so far. */
	public String log() {
		return output();
	}

	public String tail() {
		String out = output();
		return out.length() > 4000 ? out.substring(out.length() - 4000) : out;
	}

	private String output() {
		try {
			return Files.exists(log) ? Files.readString(log) : "";
		}
		catch (IOException e) {
			return "";
		}
	}

	@Override
	public void close() {
		if (process.isAlive()) {
			process.destroy();
			try {
				if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
					kill();
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
