package io.handoff.platform;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

/** What callers are told, and the log, when the database cannot be reached. */
public final class DatabaseAway {

	public static final String MESSAGE = "Handoff cannot reach its database right now (it may be restarting); "
			+ "nothing was changed. Try again in a few seconds.";

	private DatabaseAway() {
	}

	/**
	 * Whether {@code e}, or what caused it, says the database could not be reached or went away mid-request (a
	 * connection that broke, a commit whose connection closed), rather than that a statement was wrong.
	 */
	public static boolean is(Throwable e) {
		for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (cause instanceof DataAccessResourceFailureException || cause instanceof CannotCreateTransactionException
					|| cause instanceof TransientDataAccessResourceException
					|| cause instanceof java.sql.SQLTransientConnectionException
					|| cause instanceof java.sql.SQLNonTransientConnectionException
					|| cause instanceof java.sql.SQLRecoverableException
					|| cause instanceof java.sql.SQLException sql && connectionLost(sql.getSQLState())) {
				return true;
			}
			// A rollback that failed after the statement did (the pool had closed the broken connection): what
			// matters is why the statement failed.
			if (cause instanceof org.springframework.transaction.TransactionSystemException rollback
					&& rollback.getApplicationException() != null && is(rollback.getApplicationException())) {
				return true;
			}
		}
		return false;
	}

	/** Connection exceptions (08…) and the server shutting down or crashing (57P01–57P03). */
	private static boolean connectionLost(String state) {
		return state != null && (state.startsWith("08") || state.startsWith("57P"));
	}

	/** The cause in one line, without the statement or its values. */
	static String describe(Throwable e) {
		Throwable root = e;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName();
	}
}
