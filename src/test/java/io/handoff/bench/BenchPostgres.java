package io.handoff.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The PostgreSQL the benchmarks run on: embedded, durable (fsync and synchronous commit on), 256 MB of buffers. */
final class BenchPostgres {

	private BenchPostgres() {
	}

	/** A builder with the durable settings, for a benchmark to add its own to. */
	static EmbeddedPostgres.Builder durable() {
		return EmbeddedPostgres.builder()
			.setServerConfig("fsync", "on")
			.setServerConfig("synchronous_commit", "on")
			.setServerConfig("shared_buffers", "256MB");
	}
}
