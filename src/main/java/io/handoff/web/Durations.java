package io.handoff.web;

import org.springframework.stereotype.Component;

/** Durations in words for pages: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
@Component("durations")
public class Durations {

	public String words(Double seconds) {
		if (seconds == null) {
			return "–";
		}
		long s = Math.round(seconds);
		if (s < 60) {
			return s + " s";
		}
		if (s < 3600) {
			return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
		}
		if (s < 86400) {
			return (s / 3600) + " h" + ((s % 3600) / 60 == 0 ? "" : " " + (s % 3600) / 60 + " min");
		}
		return (s / 86400) + " d" + ((s % 86400) / 3600 == 0 ? "" : " " + (s % 86400) / 3600 + " h");
	}
}
