package io.handoff.studio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.ChatId;
import io.handoff.platform.DatabaseAway;
import io.handoff.platform.GroupCommit;
import io.handoff.platform.HandoffException;
import io.handoff.platform.LeasedQueueWorker;
import io.handoff.platform.NodeId;
import io.handoff.platform.Notifications;
import io.handoff.platform.Timestamps;

/**
 * Runs bots. Runs are queued in the database by whoever accepted the trigger; any node claims them under a lease
 * through the shared {@link LeasedQueueWorker}, runs the flow's steps in order and saves the log after each step. A run whose node dies is
 * resumed by another node after the lease, from the first step not yet done; steps whose effects are all in the
 * database run in the transaction that records them, so they are never done twice. A step that fails transiently (a
 * CRM answering 429 or 502 after the step's own tries) does not end the run: it waits on
 * {@code handoff.studio.retry-schedule} and resumes from that step, and fails only when the schedule is spent.
 */
@Component
class Runner implements SmartLifecycle, LeasedQueueWorker.Queue<Runs.Stored> {

	private static final Logger log = LoggerFactory.getLogger(Runner.class);

	private final Runs runs;
	private final Bots bots;
	private final Map<String, StepAction> actions;
	private final TransactionTemplate transactions;
	private final StudioProperties properties;
	private final JsonMapper json;
	private final Clock clock;
	private final String node;
	private final LeasedQueueWorker<Runs.Stored> queue;
	private final GroupCommit<Runs.Succeeded> finishes;
	private final GroupCommit<StepWork> stepCommits;
	private final TransactionTemplate savepoints;
	private final Map<BotId, Definition> definitions = new java.util.concurrent.ConcurrentHashMap<>();

	Runner(Runs runs, Bots bots, List<StepAction> actions, Notifications notifications,
			TransactionTemplate transactions, StudioProperties properties, JsonMapper json, Clock clock, NodeId node) {
		this.runs = runs;
		this.bots = bots;
		this.actions = actions.stream().collect(Collectors.toMap(StepAction::type, Function.identity()));
		this.transactions = transactions;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
		this.node = node.value();
		this.savepoints = new TransactionTemplate(transactions.getTransactionManager());
		this.savepoints.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_NESTED);
		// At most 32 steps a transaction: each step's savepoint that writes is a subtransaction, and past 64 in one
		// transaction PostgreSQL's per-backend cache of them overflows, which slows every snapshot on the server.
		this.stepCommits = new GroupCommit<>("run-steps", 32, transactions, this::runSteps);
		this.finishes = new GroupCommit<>("run-finishes", 200, transactions, batch -> runs.succeedAll(batch, this.node));
		this.queue = new LeasedQueueWorker<>(this, new LeasedQueueWorker.Settings("run", Runs.CHANNEL,
				properties.maxConcurrentRuns(), properties.runLease(), properties.pollInterval(),
				properties.leaseCheckInterval()), notifications, clock);
	}

	StepAction action(String type) {
		return actions.get(type);
	}

	java.util.Set<String> types() {
		return actions.keySet();
	}

	@Override
	public void start() {
		if (!properties.runnerEnabled()) {
			log.info("Bot runner disabled on this node");
			return;
		}
		finishes.start();
		stepCommits.start();
		queue.start();
	}

	@Override
	public void stop() {
		queue.stop(LeasedQueueWorker.SHUTDOWN_GRACE);
		stopWriters();
	}

	/** Stops alongside the other workers rather than after them, so that a shutdown's bound holds. */
	@Override
	public void stop(Runnable callback) {
		queue.stopInBackground(LeasedQueueWorker.SHUTDOWN_GRACE, () -> {
			stopWriters();
			callback.run();
		});
	}

	/** Once no run is in progress: writes the steps and finishes still queued, then stops their writers. */
	private void stopWriters() {
		stepCommits.stop(Duration.ofSeconds(5));
		finishes.stop(Duration.ofSeconds(5));
	}

	@Override
	public int releaseHeld() {
		return runs.releaseHeld(node, Timestamps.now(clock));
	}

	/** For the readiness check: the worker runs and its loops come round. */
	org.springframework.boot.health.contributor.Health health() {
		return queue.health();
	}

	@Override
	public boolean isRunning() {
		return queue.isRunning();
	}

	void wakeUp() {
		queue.wakeUp();
	}

	@Override
	public List<Runs.Stored> claim(int room, Instant now, Instant leaseUntil) {
		return runs.claim(node, now, leaseUntil, room);
	}

	@Override
	public void process(Runs.Stored run) {
		execute(run);
	}

	@Override
	public void renewLeases(Instant until) {
		runs.renewLeases(node, until);
	}

	@Override
	public int releaseExpired(Instant now) {
		return runs.releaseExpired(now, properties.maxRunTries());
	}

	@Override
	public java.util.Optional<Instant> nextDue() {
		return runs.nextDue();
	}

	/** Thrown inside a step's transaction when this node lost the run meanwhile, to undo the step. */
	private static final class LeaseLost extends RuntimeException {

		LeaseLost() {
			super(null, null, false, false);
		}
	}

	/** Runs (or resumes) one claimed run to its end. */
	void execute(Runs.Stored run) {
		var bot = bots.find(run.workspace(), run.botId());
		if (bot.isEmpty()) {
			runs.finish(run.id(), node, Run.Status.FAILED, "The bot was deleted", Timestamps.now(clock));
			return;
		}
		Bots.Stored definition = bot.get();
		JsonNode input = json.readTree(run.input());
		Map<String, JsonNode> variables;
		ObjectNode variablesDocument;
		Definition parsed = definition(definition);
		if (run.variables() == null) {
			Mapping.Result mapped = Mapping.evaluate(parsed.variables(), input);
			variables = mapped.values();
			variablesDocument = json.createObjectNode();
			variablesDocument.set("values", json.valueToTree(variables));
			variablesDocument.set("problems", json.valueToTree(mapped.problems()));
			// The variables are saved with the first step's progress or the finish, not on their own: mapping is a
			// pure function of the stored input, so a run resumed before they were saved maps again.
			if (mapped.failed()) {
				String why = mapped.problems()
					.stream()
					.filter(Mapping.Problem::fatal)
					.map(p -> "required variable " + p.variable() + ": " + p.message())
					.collect(Collectors.joining("; "));
				runs.finish(run.id(), node, Run.Status.FAILED, "Mapping failed: " + why, Timestamps.now(clock),
						variablesDocument.toString(), run.steps());
				return;
			}
		}
		else {
			variablesDocument = (ObjectNode) json.readTree(run.variables());
			variables = json.convertValue(variablesDocument.get("values"), new TypeReference<LinkedHashMap<String, JsonNode>>() {
			});
		}
		String variablesText = variablesDocument.toString();
		List<Run.StepLog> done = new ArrayList<>(json.readValue(run.steps(), new TypeReference<List<Run.StepLog>>() {
		}));
		Map<String, JsonNode> outputs = new LinkedHashMap<>();
		done.forEach(s -> outputs.put(s.stepId(), s.output()));
		List<Step> steps = parsed.steps();
		boolean finished = false;
		for (int i = 0; i < steps.size(); i++) {
			boolean last = i == steps.size() - 1;
			Step step = steps.get(i);
			if (done.stream().anyMatch(s -> s.stepId().equals(step.id()) && !s.status().equals("failed"))) {
				continue;
			}
			Instant started = Timestamps.now(clock);
			long startedNanos = System.nanoTime();
			if (step.condition() != null && !Conditions.holds(step.condition(), variables)) {
				// A condition is a pure function of the variables: a skip is saved with the next progress or the finish.
				done.add(new Run.StepLog(step.id(), step.type(), step.name(), "skipped",
						"Skipped: " + Conditions.describe(step.condition()) + " does not hold", null, started, 0));
				continue;
			}
			StepAction action = actions.get(step.type());
			StepAction.Context context = new StepAction.Context(run.workspace(), definition.id(), definition.name(),
					run.id(), step.id(), step.config(), run.chatId() == null ? null : new ChatId(run.chatId()),
					variables, outputs);
			StepAction.Outcome outcome;
			try {
				if (action == null) {
					outcome = StepAction.Outcome.failed("Unknown step type " + step.type());
				}
				else if (action.transactional()) {
					// In a savepoint of a transaction shared with the steps of other runs ready at the same moment:
					// one commit (and one turn of a round robin's lock) for them all.
					outcome = inSharedTransaction(status -> {
						StepAction.Outcome result = runQuietly(action, context);
						List<Run.StepLog> withThis = new ArrayList<>(done);
						withThis.add(log(step, result, started, startedNanos));
						if (!result.succeeded()) {
							// Undo whatever the step did before it failed; its failure is recorded below.
							status.setRollbackOnly();
							return result;
						}
						// The last step's transaction also finishes the run: one commit for both.
						boolean saved = last
								? runs.finish(run.id(), node, Run.Status.SUCCEEDED, null, Timestamps.now(clock), variablesText,
										json.writeValueAsString(withThis))
								: runs.saveProgress(run.id(), node, variablesText, json.writeValueAsString(withThis));
						if (!saved) {
							throw new LeaseLost();
						}
						return result;
					});
					finished = last && outcome.succeeded();
				}
				else {
					outcome = runQuietly(action, context);
				}
			}
			catch (LeaseLost e) {
				return;
			}
			catch (HandoffException e) {
				outcome = StepAction.Outcome.failed(e.getMessage());
			}
			done.add(log(step, outcome, started, startedNanos));
			outputs.put(step.id(), outcome.output());
			// A step done outside a transaction is saved before the next one starts, so a resumed run does not do it
			// again; the last one is saved by the finish below.
			if (!outcome.succeeded() || action == null || (!action.transactional() && !last)) {
				if (!runs.saveProgress(run.id(), node, variablesText, json.writeValueAsString(done))) {
					return;
				}
			}
			if (!outcome.succeeded()) {
				String why = "Step " + (i + 1) + " (" + (step.name() != null ? step.name() : step.type()) + ") failed: "
						+ outcome.summary();
				if (outcome.transientFailure() && run.waits() < properties.retrySchedule().size()) {
					Instant next = Timestamps.now(clock).plus(waitBefore(run.waits(), outcome.retryAfter()));
					runs.waitUntil(run.id(), node, next, why);
					return;
				}
				runs.finish(run.id(), node, Run.Status.FAILED, outcome.transientFailure()
						? why + " (still failing after " + run.waits() + " waits; the retry schedule is spent)" : why,
						Timestamps.now(clock));
				return;
			}
		}
		if (!finished) {
			// Finished with the other runs finishing at the same moment, in one transaction.
			finishes.write(new Runs.Succeeded(run.id(), Timestamps.now(clock), variablesText, json.writeValueAsString(done)));
		}
	}

	/** A step whose effects are all in the database, to be run in a savepoint of a shared transaction. */
	private static final class StepWork {

		final TransactionCallback<StepAction.Outcome> body;
		StepAction.Outcome outcome;
		RuntimeException failure;

		StepWork(TransactionCallback<StepAction.Outcome> body) {
			this.body = body;
		}
	}

	/**
	 * Runs {@code body} in its own savepoint of a transaction shared with other runs' steps ({@link GroupCommit}),
	 * returning once that transaction has committed. A step that fails or loses its lease rolls back to its savepoint
	 * only; the others in the transaction are not touched.
	 */
	private StepAction.Outcome inSharedTransaction(TransactionCallback<StepAction.Outcome> body) {
		StepWork work = new StepWork(body);
		stepCommits.write(work);
		if (work.failure != null) {
			throw work.failure;
		}
		return work.outcome;
	}

	private void runSteps(List<StepWork> batch) {
		for (StepWork work : batch) {
			work.outcome = null;
			work.failure = null;
			try {
				work.outcome = savepoints.execute(work.body);
			}
			catch (RuntimeException e) {
				if (DatabaseAway.is(e)) {
					throw e;
				}
				work.failure = e;
			}
		}
	}

	/** A bot's mapping and steps as read from their stored JSON, kept while the stored text is the same. */
	private record Definition(String variablesText, String stepsText, List<Variable> variables, List<Step> steps) {
	}

	/** The bot's parsed definition: parsed once per version rather than once per run (steps are never modified). */
	private Definition definition(Bots.Stored bot) {
		Definition known = definitions.get(bot.id());
		if (known != null && known.variablesText().equals(bot.variables()) && known.stepsText().equals(bot.steps())) {
			return known;
		}
		List<Variable> variables = json.readValue(bot.variables(), new TypeReference<List<Variable>>() {
		});
		List<Step> steps = json.readValue(bot.steps(), new TypeReference<List<Step>>() {
		});
		Definition parsed = new Definition(bot.variables(), bot.steps(),
				variables == null ? List.of() : java.util.Collections.unmodifiableList(variables),
				steps == null ? List.of() : java.util.Collections.unmodifiableList(steps));
		if (definitions.size() > 10_000) {
			definitions.clear();
		}
		definitions.put(bot.id(), parsed);
		return parsed;
	}

	/** The schedule's delay for this wait, ±20%, and never less than what the other side asked for. */
	private Duration waitBefore(int waits, Duration asked) {
		Duration scheduled = properties.retrySchedule().get(waits);
		double jitter = 0.8 + java.util.concurrent.ThreadLocalRandom.current().nextDouble() * 0.4;
		Duration jittered = Duration.ofMillis((long) (scheduled.toMillis() * jitter));
		return asked != null && asked.compareTo(jittered) > 0 ? asked : jittered;
	}

	/**
	 * Runs a step; whatever it throws ends the step as failed, never the run's lease (an exception left to the queue
	 * worker would leave the run "running" until another node took it over, only to fail the same way).
	 */
	private static StepAction.Outcome runQuietly(StepAction action, StepAction.Context context) {
		try {
			return action.run(context);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", e);
		}
		catch (HandoffException e) {
			throw e;
		}
		catch (RuntimeException e) {
			if (DatabaseAway.is(e)) {
				// Handoff's own database, not the step's target, was away: the run waits and tries the step again.
				log.warn("Step {} of run {} could not reach the database; the run waits and tries again",
						context.stepId(), context.runId());
				return StepAction.Outcome.failedTransiently(
						"Handoff's database could not be reached; the step is tried again", null, Duration.ZERO);
			}
			log.warn("Step {} of run {} failed unexpectedly", context.stepId(), context.runId(), e);
			return StepAction.Outcome.failed("The step failed unexpectedly (" + e.getClass().getSimpleName()
					+ "); the run stopped here");
		}
	}

	private Run.StepLog log(Step step, StepAction.Outcome outcome, Instant started, long startedNanos) {
		return new Run.StepLog(step.id(), step.type(), step.name(), outcome.succeeded() ? "succeeded" : "failed",
				outcome.summary(), outcome.output(), started,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
	}
}
