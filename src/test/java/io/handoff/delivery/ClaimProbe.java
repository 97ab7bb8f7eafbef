package io.handoff.delivery;

import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The dispatcher's claim as a benchmark drives it: the node's own statement, rolled back so the rows stay due. */
public final class ClaimProbe {

	private final Deliveries deliveries;
	private final TransactionTemplate rollback;

	public ClaimProbe(DataSource dataSource) {
		DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
		this.deliveries = new Deliveries(JdbcClient.create(dataSource), new JdbcTemplate(dataSource),
				new TransactionTemplate(transactions), null);
		this.rollback = new TransactionTemplate(transactions);
	}

	/** Claims as a dispatcher with nothing in flight does ({@code batch} rows, {@code window} per endpoint); how many. */
	public int claimAndRollBack(int batch, int window) {
		return rollback.execute(status -> {
			status.setRollbackOnly();
			Instant now = Instant.now();
			return deliveries.claim("bench-probe", now, now.plusSeconds(30), batch, window, Map.of()).size();
		});
	}
}
