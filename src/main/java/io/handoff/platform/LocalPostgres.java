package io.handoff.platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server Handoff runs for itself when no database is configured: a child process on a data directory
 * under {@code handoff.data-dir}, reached on localhost with a password generated into that directory.
 * <ul>
 * <li>Start: a postmaster left running by a Handoff that was killed (it outlives its parent) is stopped with a fast
 * shutdown first; a stale {@code postmaster.pid} whose process is gone or is not PostgreSQL is ignored. If the server
 * cannot start, its own output is logged at WARN, so the cause is readable at the default log level.</li>
 * <li>Watchdog: if the server dies, it is started again on the same port with backoff; when that fails
 * {@code maxRestarts} times in a row, {@code onGiveUp} runs (the node reports itself broken and exits, so a supervisor
 * restarts it).</li>
 * <li>Only one Handoff uses a data directory at a time: a lock beside it is held for the life of the process.</li>
 * </ul>
 */
final class LocalPostgres implements AutoCloseable {

	static final String USER = "postgres";

	private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

	/** PostgreSQL's own output, under a name of its own so that its level can be set apart. */
	private static final Logger server = LoggerFactory.getLogger("io.handoff.postgres");

	private static final int OUTPUT_KEPT = 60;

	private final Path binaries;

	private final Path dataDirectory;

	private final String password;

	private final Map<String, String> settings;

	private final int port;

	private final Duration startTimeout;

	private final int maxRestarts;

	private final Duration restartDelay;

	private final Runnable onGiveUp;

	private final FileChannel lockChannel;

	private final FileLock lock;

	private final Deque<String> output = new ArrayDeque<>();

	private volatile Process process;

	private volatile boolean closing;

	private volatile boolean up;

	private LocalPostgres(Path binaries, Path dataDirectory, String password, Map<String, String> settings, int port,
			Duration startTimeout, int maxRestarts, Duration restartDelay, Runnable onGiveUp, FileChannel lockChannel,
			FileLock lock) {
		this.restartDelay = restartDelay;
		this.binaries = binaries;
		this.dataDirectory = dataDirectory;
		this.password = password;
		this.settings = settings;
		this.port = port;
		this.startTimeout = startTimeout;
		this.maxRestarts = maxRestarts;
		this.onGiveUp = onGiveUp;
		this.lockChannel = lockChannel;
		this.lock = lock;
	}

	/**
	 * Starts the server on {@code home/postgres}, creating it on first use, with the password in
	 * {@code home/postgres.password}.
	 */
	static LocalPostgres start(Path home, Path binaryCache, Map<String, String> settings, Duration startTimeout,
			int maxRestarts, Duration restartDelay, Runnable onGiveUp) {
		try {
			Files.createDirectories(home);
			FileChannel channel = FileChannel.open(home.resolve("postgres.lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (java.nio.channels.OverlappingFileLockException heldHere) {
				lock = null;
			}
			if (lock == null) {
				channel.close();
				throw new IllegalStateException("Another Handoff is running on the data directory " + home
						+ "; stop it, or give this one its own handoff.data-dir");
			}
			Path data = home.resolve("postgres");
			String password = password(home.resolve("postgres.password"));
			Path binaries = PostgresBinaries.prepare(binaryCache);
			boolean fresh = !Files.exists(data.resolve("PG_VERSION"));
			if (fresh) {
				initdb(binaries, data, home, password);
			}
			LocalPostgres postgres = new LocalPostgres(binaries, data, password, new LinkedHashMap<>(settings),
					freePort(), startTimeout, maxRestarts, restartDelay, onGiveUp, channel, lock);
			postgres.stopOrphan();
			postgres.launch();
			if (!fresh) {
				postgres.requirePassword();
			}
			return postgres;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	int port() {
		return port;
	}

	String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + port + "/postgres";
	}

	String password() {
		return password;
	}

	/** Whether the server is running and took connections when last started. */
	boolean up() {
		return up && process != null && process.isAlive();
	}

	Optional<Long> pid() {
		Process current = process;
		return current == null ? Optional.empty() : Optional.of(current.pid());
	}

	private static String password(Path file) throws IOException {
		if (Files.exists(file)) {
			return Files.readString(file).strip();
		}
		byte[] random = new byte[24];
		new SecureRandom().nextBytes(random);
		String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		Files.writeString(file, password + "\n", StandardOpenOption.CREATE_NEW);
		ownerOnly(file);
		return password;
	}

	private static void ownerOnly(Path file) {
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException | IOException e) {
			// Not a POSIX file system (Windows): the file lies under the user's own data directory.
		}
	}

	private static void initdb(Path binaries, Path data, Path home, String password) throws IOException {
		Path passwordFile = Files.createTempFile(home, "initdb-", ".pw");
		try {
			ownerOnly(passwordFile);
			Files.writeString(passwordFile, password);
			List<String> command = command(binaries, "initdb", "-D", data.toString(), "-U", USER,
					"--auth=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF-8");
			Process initdb = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(initdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (waitFor(initdb, Duration.ofMinutes(2)) != 0) {
				log.warn("initdb failed; its output:\n{}", out.strip());
				throw new IllegalStateException("Could not create the embedded database in " + data
						+ " (initdb failed; its output is logged above)");
			}
			log.info("Created the embedded database in {}", data);
		}
		finally {
			Files.deleteIfExists(passwordFile);
		}
	}

	/**
	 * A postmaster still running on this data directory belongs to a Handoff that died without stopping it (we hold
	 * the lock, so no live Handoff owns it): stop it with a fast shutdown, or kill it if it does not stop.
	 */
	private void stopOrphan() throws IOException {
		Path pidFile = dataDirectory.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		List<String> lines = Files.readAllLines(pidFile);
		long pid;
		try {
			pid = Long.parseLong(lines.getFirst().strip());
		}
		catch (RuntimeException unreadable) {
			log.warn("Ignoring an unreadable {}", pidFile);
			Files.deleteIfExists(pidFile);
			return;
		}
		Optional<ProcessHandle> running = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
		if (running.isEmpty()) {
			// PostgreSQL itself checks a lock file whose process is gone (and the shared memory it names): leave it.
			return;
		}
		boolean postgres = running.flatMap(p -> p.info().command())
			.map(command -> Path.of(command).getFileName().toString().startsWith("postgres"))
			.orElse(true);
		if (!postgres) {
			// The number was reused by another program since: PostgreSQL would take it for a live server.
			log.info("Removing the stale {}: process {} is no longer PostgreSQL", pidFile, pid);
			Files.deleteIfExists(pidFile);
			return;
		}
		log.warn("A PostgreSQL server (process {}) left by an earlier run still holds {}; stopping it", pid,
				dataDirectory);
		Process stop = new ProcessBuilder(command(binaries, "pg_ctl", "stop", "-D", dataDirectory.toString(), "-m",
				"fast", "-w", "-t", "30")).redirectErrorStream(true).start();
		String out = new String(stop.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		waitFor(stop, Duration.ofSeconds(40));
		ProcessHandle orphan = running.get();
		try {
			orphan.onExit().get(10, TimeUnit.SECONDS);
		}
		catch (Exception notYet) {
			log.warn("PostgreSQL process {} did not stop ({}); killing it", pid, out.strip());
			orphan.destroyForcibly();
			try {
				orphan.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (Exception e) {
				throw new IllegalStateException("Could not stop PostgreSQL process " + pid + " on " + dataDirectory, e);
			}
		}
	}

	/** Starts the postmaster and waits until it takes connections, or fails with its output logged. */
	private synchronized void launch() throws IOException {
		synchronized (output) {
			output.clear();
		}
		List<String> command = command(binaries, "postgres", "-D", dataDirectory.toString(), "-p",
				String.valueOf(port));
		Map<String, String> all = new LinkedHashMap<>();
		all.put("listen_addresses", "localhost");
		// Errors are the caller's to log; the server's log would otherwise repeat user input from failed statements.
		all.put("log_min_error_statement", "panic");
		all.put("log_error_verbosity", "terse");
		if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
			all.put("unix_socket_directories", "");
		}
		all.putAll(settings);
		all.forEach((name, value) -> {
			command.add("-c");
			command.add(name + "=" + value);
		});
		Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
		process = started;
		Thread reader = Thread.ofPlatform().daemon().name("postgres-output").unstarted(() -> read(started));
		reader.start();
		long deadline = System.nanoTime() + startTimeout.toNanos();
		SQLException last = null;
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				failed("PostgreSQL stopped while starting (exit code " + started.exitValue() + ")");
			}
			try (Connection ignored = connect(Duration.ofSeconds(2))) {
				up = true;
				started.onExit().thenAccept(this::exited);
				log.info("Embedded PostgreSQL (process {}) takes connections on localhost:{}", started.pid(), port);
				return;
			}
			catch (SQLException e) {
				last = e;
			}
			sleep(Duration.ofMillis(100));
		}
		started.destroyForcibly();
		failed("PostgreSQL did not take connections within " + startTimeout.toSeconds() + " s"
				+ (last == null ? "" : " (" + last.getMessage() + ")"));
	}

	private void failed(String why) {
		String lines;
		synchronized (output) {
			lines = String.join("\n", output);
		}
		log.warn("{}; its output:\n{}", why, lines.isBlank() ? "(none)" : lines);
		throw new IllegalStateException(why + " on " + dataDirectory + "; its output is logged above");
	}

	private void read(Process from) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(from.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				synchronized (output) {
					if (output.size() == OUTPUT_KEPT) {
						output.removeFirst();
					}
					output.addLast(line);
				}
				if (line.contains("FATAL:") || line.contains("PANIC:")) {
					server.warn(line);
				}
				else {
					server.debug(line);
				}
			}
		}
		catch (IOException e) {
			// The process ended.
		}
	}

	/** The server went away. Unless Handoff is stopping, start it again, with backoff. */
	private void exited(Process gone) {
		up = false;
		if (closing || gone != process) {
			return;
		}
		log.warn("Embedded PostgreSQL (process {}) stopped unexpectedly with exit code {}; restarting it", gone.pid(),
				gone.exitValue());
		Thread.ofPlatform().name("postgres-watchdog").start(() -> {
			Duration backoff = restartDelay;
			for (int attempt = 1; attempt <= maxRestarts && !closing; attempt++) {
				try {
					// Backends of the dead postmaster leave within moments; until then the data directory is in use.
					sleep(backoff);
					stopOrphan();
					launch();
					log.info("Embedded PostgreSQL is back after {} attempt(s)", attempt);
					return;
				}
				catch (RuntimeException | IOException e) {
					log.warn("Restarting PostgreSQL failed (attempt {} of {}): {}", attempt, maxRestarts, e.getMessage());
					backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
							: backoff.multipliedBy(2);
				}
			}
			if (!closing) {
				log.error("Embedded PostgreSQL could not be restarted after {} attempts; this node cannot recover by "
						+ "itself and stops now", maxRestarts);
				onGiveUp.run();
			}
		});
	}

	/**
	 * A data directory from before passwords (it trusted every local connection) gets one: the password is set,
	 * {@code pg_hba.conf} asks for it from now on, and the server reloads its configuration.
	 */
	private void requirePassword() throws IOException {
		Path hba = dataDirectory.resolve("pg_hba.conf");
		List<String> rules = Files.readAllLines(hba);
		boolean trusting = rules.stream().anyMatch(line -> !line.strip().startsWith("#") && line.matches(".*\\btrust\\s*$"));
		if (!trusting) {
			return;
		}
		try (Connection connection = connect(Duration.ofSeconds(5)); Statement statement = connection.createStatement()) {
			statement.execute("SET password_encryption = 'scram-sha-256'");
			statement.execute("ALTER USER " + USER + " PASSWORD '" + password.replace("'", "''") + "'");
			Files.write(hba, rules.stream()
				.map(line -> line.strip().startsWith("#") ? line : line.replaceAll("\\btrust\\s*$", "scram-sha-256"))
				.toList());
			statement.execute("SELECT pg_reload_conf()");
			log.info("The embedded database now asks for a password (it trusted local connections before)");
		}
		catch (SQLException e) {
			throw new IllegalStateException("Could not set a password on the embedded database", e);
		}
	}

	private Connection connect(Duration timeout) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", USER);
		properties.setProperty("password", password);
		properties.setProperty("connectTimeout", String.valueOf(Math.max(1, timeout.toSeconds())));
		properties.setProperty("socketTimeout", String.valueOf(Math.max(1, timeout.toSeconds())));
		return DriverManager.getConnection(jdbcUrl(), properties);
	}

	/** Stops the server with a fast shutdown (sessions are ended, the data is checkpointed). */
	@Override
	public void close() {
		closing = true;
		Process current = process;
		try {
			if (current != null && current.isAlive()) {
				Process stop = new ProcessBuilder(command(binaries, "pg_ctl", "stop", "-D", dataDirectory.toString(), "-m",
						"fast", "-w", "-t", "20")).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				waitFor(stop, Duration.ofSeconds(25));
				if (!current.waitFor(5, TimeUnit.SECONDS)) {
					current.destroyForcibly();
				}
				log.info("Embedded PostgreSQL stopped");
			}
		}
		catch (IOException e) {
			current.destroyForcibly();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			current.destroyForcibly();
		}
		finally {
			try {
				lock.release();
				lockChannel.close();
			}
			catch (IOException e) {
				log.debug("Could not release the data directory lock", e);
			}
		}
	}

	/**
	 * A PostgreSQL program with its arguments. PostgreSQL refuses to run as root; where Handoff runs as root (a
	 * container), the programs run in a user namespace of their own, where they are not.
	 */
	private static List<String> command(Path binaries, String program, String... arguments) {
		List<String> command = new ArrayList<>();
		if (io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable()) {
			command.addAll(List.of("unshare", "-U"));
		}
		command.add(PostgresBinaries.program(binaries, program).toString());
		command.addAll(List.of(arguments));
		return command;
	}

	private static int waitFor(Process process, Duration limit) {
		try {
			if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				return -1;
			}
			return process.exitValue();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			return -1;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", e);
		}
	}
}
