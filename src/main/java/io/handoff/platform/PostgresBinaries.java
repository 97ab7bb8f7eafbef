package io.handoff.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server programs for this machine, unpacked once from the binaries Handoff ships with (the zonky
 * archives for Linux, macOS and Windows) into a directory named by the archive's digest, so that versions never mix
 * and concurrent starts on one machine unpack at most one copy each.
 */
final class PostgresBinaries {

	private PostgresBinaries() {
	}

	/** The directory holding {@code bin/initdb}, {@code bin/postgres} and {@code bin/pg_ctl}, unpacked if need be. */
	static Path prepare(Path cache) {
		try {
			byte[] archive;
			try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system(), architecture())) {
				archive = in.readAllBytes();
			}
			Path target = cache.resolve("pg-" + HexFormat.of().formatHex(sha256(archive), 0, 8));
			if (Files.exists(target.resolve(".complete"))) {
				return target;
			}
			Files.createDirectories(cache);
			Path unpacking = Files.createTempDirectory(cache, "unpacking-");
			try {
				unpack(archive, unpacking);
				Files.createFile(unpacking.resolve(".complete"));
				try {
					Files.move(unpacking, target, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException raced) {
					// Another start unpacked the same archive first: use theirs.
				}
			}
			finally {
				deleteTree(unpacking);
			}
			return target;
		}
		catch (IOException e) {
			throw new UncheckedIOException("Could not unpack the PostgreSQL binaries into " + cache, e);
		}
	}

	static Path program(Path binaries, String name) {
		boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
		return binaries.resolve("bin").resolve(windows ? name + ".exe" : name);
	}

	private static void unpack(byte[] archive, Path into) throws IOException {
		try (TarArchiveInputStream tar = new TarArchiveInputStream(
				new XZInputStream(new java.io.ByteArrayInputStream(archive)))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				Path path = into.resolve(entry.getName()).normalize();
				if (!path.startsWith(into)) {
					throw new IOException("The archive names a path outside its directory: " + entry.getName());
				}
				if (entry.isDirectory()) {
					Files.createDirectories(path);
				}
				else if (entry.isSymbolicLink() || entry.isLink()) {
					Files.createDirectories(path.getParent());
					Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
				}
				else {
					Files.createDirectories(path.getParent());
					Files.copy(tar, path);
					if ((entry.getMode() & 0100) != 0 || entry.getName().matches("(\\./)?bin/.*")) {
						path.toFile().setExecutable(true, false);
					}
				}
			}
		}
	}

	private static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static String system() {
		String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		if (name.startsWith("windows")) {
			return "Windows";
		}
		if (name.startsWith("mac")) {
			return "Darwin";
		}
		if (name.startsWith("linux")) {
			return "Linux";
		}
		throw new UnsupportedOperationException("The embedded PostgreSQL has no binaries for " + name
				+ "; set HANDOFF_DATABASE_URL to an external PostgreSQL");
	}

	private static String architecture() {
		String arch = System.getProperty("os.arch");
		return "amd64".equals(arch) ? "x86_64" : arch;
	}
}
