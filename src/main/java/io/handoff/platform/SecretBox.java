package io.handoff.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (webhook signing secrets, receivers' credentials) with AES-256-GCM, so a database dump does
 * not leak them. Each value is bound to a context, such as the id of the row it belongs to, so a ciphertext copied
 * into another row does not decrypt.
 */
public final class SecretBox {

	private static final String VERSION = "v1:";
	private static final int NONCE_BYTES = 12;
	private static final int TAG_BITS = 128;

	private final SecretKeySpec key;
	private final SecureRandom random = new SecureRandom();

	public SecretBox(byte[] key) {
		if (key.length != 32) {
			throw new IllegalArgumentException("the encryption key must be 32 bytes (base64 of 32 random bytes)");
		}
		this.key = new SecretKeySpec(key, "AES");
	}

	public String encrypt(String plaintext, String context) {
		try {
			byte[] nonce = new byte[NONCE_BYTES];
			random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
			byte[] out = new byte[NONCE_BYTES + sealed.length];
			System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
			System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
			return VERSION + Base64.getEncoder().encodeToString(out);
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("AES-GCM is part of every JDK", e);
		}
	}

	public String decrypt(String ciphertext, String context) {
		if (!ciphertext.startsWith(VERSION)) {
			throw new IllegalArgumentException("not a value sealed by this version of Handoff");
		}
		byte[] in = Base64.getDecoder().decode(ciphertext.substring(VERSION.length()));
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
			cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
			return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException("a secret could not be decrypted: wrong encryption key or altered data", e);
		}
	}

	/**
	 * The key from configuration, or else the one kept in {@code keyFile}, created there on first use. Several nodes
	 * must share one key, so only a single-node set-up (the embedded database) may rely on the file.
	 */
	static SecretBox fromConfigurationOrFile(String configured, Path keyFile) {
		if (configured != null && !configured.isBlank()) {
			return new SecretBox(Base64.getDecoder().decode(configured.strip()));
		}
		try {
			if (!Files.exists(keyFile)) {
				byte[] key = new byte[32];
				new SecureRandom().nextBytes(key);
				Files.createDirectories(keyFile.getParent());
				Files.writeString(keyFile, Base64.getEncoder().encodeToString(key), StandardOpenOption.CREATE_NEW);
				try {
					Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
				}
				catch (UnsupportedOperationException e) {
					// Not a POSIX file system: the file keeps the directory's default permissions.
				}
			}
			return new SecretBox(Base64.getDecoder().decode(Files.readString(keyFile).strip()));
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot read or create the encryption key " + keyFile, e);
		}
	}
}
