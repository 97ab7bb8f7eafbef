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

	/** Whether {@code e} says the database could not be reached, rather than that a statement failed. */
	public static boolean is(Throwable e) {
		return e instanceof DataAccessResourceFailureException || e instanceof CannotCreateTransactionException
				|| e instanceof TransientDataAccessResourceException;
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
