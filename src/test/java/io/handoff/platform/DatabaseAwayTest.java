package io.handoff.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseAwayTest {

	@Test
	void aBrokenConnectionIsTheDatabaseAwayAndABadStatementIsNot() {
		assertThat(DatabaseAway.is(new DataAccessResourceFailureException("I/O error"))).isTrue();
		assertThat(DatabaseAway.is(new RuntimeException(new SQLException("gone", "08006")))).isTrue();
		assertThat(DatabaseAway.is(new SQLException("terminating connection due to crash", "57P02"))).isTrue();
		assertThat(DatabaseAway.is(new DataIntegrityViolationException("duplicate",
				new SQLException("duplicate key", "23505")))).isFalse();
		assertThat(DatabaseAway.is(new IllegalStateException("bug"))).isFalse();
	}

	/** The statement failed as the database went away, then the rollback failed on the connection the pool closed. */
	@Test
	void aRollbackThatFailedAfterTheDatabaseWentAwayIsTheDatabaseAway() {
		TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
				new SQLException("Connection is closed"));
		rollback.initApplicationException(new DataAccessResourceFailureException("An I/O error occurred"));
		assertThat(DatabaseAway.is(rollback)).isTrue();
		TransactionSystemException other = new TransactionSystemException("JDBC rollback failed",
				new SQLException("Connection is closed"));
		other.initApplicationException(new IllegalStateException("bug"));
		assertThat(DatabaseAway.is(other)).isFalse();
	}
}
