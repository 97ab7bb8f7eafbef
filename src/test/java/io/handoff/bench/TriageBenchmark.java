package io.handoff.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import io.handoff.ai.TriageProbe;

/**
 * The built-in triage's cost on this machine: how long the embedding model takes to load, what it adds to the
 * process's resident memory, and the time to classify one message (embedding it and scoring it against six intents
 * of six examples), p50/p99 over the 300 evaluation messages, several rounds. Run with {@code bench/triage.sh}.
 */
public final class TriageBenchmark {

	public static void main(String[] args) throws Exception {
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
		List<String> messages = new ArrayList<>();
		for (String line : new String(TriageBenchmark.class.getResourceAsStream("/triage/evaluation.tsv").readAllBytes(),
				StandardCharsets.UTF_8).split("\n")) {
			if (!line.isBlank() && !line.startsWith("#")) {
				messages.add(line.split("\t", 2)[1]);
			}
		}
		System.gc();
		long rssBefore = rss();
		long started = System.nanoTime();
		TriageProbe probe = TriageProbe.loaded();
		double loadMs = (System.nanoTime() - started) / 1e6;
		long rssAfter = rss();
		for (String m : messages) {
			probe.classify(m);
		}
		List<Double> ms = new ArrayList<>();
		for (int r = 0; r < rounds; r++) {
			for (String m : messages) {
				long t = System.nanoTime();
				probe.classify(m);
				ms.add((System.nanoTime() - t) / 1e6);
			}
		}
		Collections.sort(ms);
		long rssEnd = rss();
		System.out.printf("## Triage benchmark%n%n%d cores; %d messages × %d rounds, one thread.%n%n",
				Runtime.getRuntime().availableProcessors(), messages.size(), rounds);
		System.out.println("| model load | added RSS after load | added RSS after the runs | classify p50 | p99 | max |");
		System.out.println("|---|---|---|---|---|---|");
		System.out.printf(Locale.ROOT, "| %.0f ms | %d MiB | %d MiB | %.2f ms | %.2f ms | %.2f ms |%n", loadMs,
				(rssAfter - rssBefore) >> 20, (rssEnd - rssBefore) >> 20, ms.get(ms.size() / 2),
				ms.get((int) Math.ceil(ms.size() * 0.99) - 1), ms.getLast());
	}

	static long rss() throws Exception {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
			}
		}
		return 0;
	}
}
