package io.handoff.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.handoff.studio.InboundRequest;
import io.handoff.studio.Variable;

/**
 * What View Response Data suggests: the fields a Handoff assignment webhook carries that people map first (the
 * customer, the agent, the business number), with the names the CRM and Sheets steps expect, and for every other
 * field a variable name that no other field or variable already has.
 */
final class FieldSuggestions {

	/** Recommended fields of {@code chat.assigned}, by JSON Pointer in the captured document, and their names. */
	static final Map<String, String> RECOMMENDED;

	static {
		Map<String, String> recommended = new LinkedHashMap<>();
		recommended.put("/body/data/customerName", "customerName");
		recommended.put("/body/data/customerPhone", "customerNumber");
		recommended.put("/body/data/assignedUserName", "agentName");
		recommended.put("/body/data/assignedUserPhone", "agentPhone");
		recommended.put("/body/data/assignedUserEmail", "agentEmail");
		recommended.put("/body/data/assignedUserOrgRole", "agentRole");
		recommended.put("/body/data/wabaNumber", "businessNumber");
		recommended.put("/body/data/chatId", "chatId");
		recommended.put("/body/data/sequence", "sequence");
		RECOMMENDED = java.util.Collections.unmodifiableMap(recommended);
	}

	private FieldSuggestions() {
	}

	/** The fields in the order to show them: recommended ones first, in the order above. */
	static List<InboundRequest.Field> ordered(List<InboundRequest.Field> fields) {
		List<InboundRequest.Field> first = new ArrayList<>();
		List<InboundRequest.Field> rest = new ArrayList<>();
		RECOMMENDED.keySet().forEach(p -> fields.stream().filter(f -> f.pointer().equals(p)).forEach(first::add));
		fields.stream().filter(f -> !RECOMMENDED.containsKey(f.pointer())).forEach(rest::add);
		first.addAll(rest);
		return first;
	}

	/** A variable name for every field: the recommended one, else the last segment, made longer where it repeats. */
	static Map<String, String> names(List<InboundRequest.Field> fields, List<Variable> variables) {
		Map<String, String> names = new HashMap<>();
		Map<String, Integer> counts = new HashMap<>();
		Set<String> taken = new java.util.HashSet<>();
		variables.forEach(v -> taken.add(v.name()));
		for (InboundRequest.Field f : fields) {
			counts.merge(last(f.pointer(), 1), 1, Integer::sum);
		}
		for (InboundRequest.Field f : fields) {
			String name = RECOMMENDED.get(f.pointer());
			if (name == null) {
				name = last(f.pointer(), counts.get(last(f.pointer(), 1)) > 1 ? 2 : 1);
			}
			String unique = name;
			for (int n = 2; taken.contains(unique) && !mapsHere(variables, unique, f.pointer()); n++) {
				unique = name + n;
			}
			names.put(f.pointer(), unique);
		}
		return names;
	}

	private static boolean mapsHere(List<Variable> variables, String name, String pointer) {
		return variables.stream().anyMatch(v -> v.name().equals(name) && v.path().equals(pointer));
	}

	/** The last {@code segments} segments of a pointer as one camelCase name, e.g. customer/name → customerName. */
	private static String last(String pointer, int segments) {
		String[] parts = pointer.split("/");
		StringBuilder name = new StringBuilder();
		for (int i = Math.max(1, parts.length - segments); i < parts.length; i++) {
			String part = parts[i].replaceAll("[^A-Za-z0-9]", "_");
			if (part.matches("\\d+")) {
				part = "item" + part;
			}
			name.append(name.isEmpty() ? part : part.substring(0, 1).toUpperCase(Locale.ROOT) + part.substring(1));
		}
		String result = name.toString();
		return result.isEmpty() ? "value" : Character.isDigit(result.charAt(0)) ? "v" + result : result;
	}
}
