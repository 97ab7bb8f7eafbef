package io.handoff.connectors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.inbox.BusinessNumberId;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.studio.Bot;
import io.handoff.studio.BotService;
import io.handoff.studio.Variable;
import io.handoff.webhooks.Endpoint;
import io.handoff.webhooks.EndpointSettings;
import io.handoff.webhooks.WebhookService;

/**
 * Ready-made bots for the use case: in one transaction, a bot with an On Webhook trigger that checks Handoff's
 * signature, its mapping of the {@code chat.assigned} payload, its step, and the webhook endpoint subscribing it to
 * {@code chat.assigned} (ordered per chat). Nothing is created if any part is refused.
 */
@Service
public class TemplateService {

	private final BotService bots;
	private final WebhookService webhooks;
	private final JsonMapper json;

	TemplateService(BotService bots, WebhookService webhooks, JsonMapper json) {
		this.bots = bots;
		this.webhooks = webhooks;
		this.json = json;
	}

	/**
	 * @param connectionId a hubspot, zoho or salesforce connection (CRM), or a google_service_account (Sheets)
	 * @param businessNumberIds the numbers whose chats are synced; empty or null for all
	 * @param ifMissing CRM: {@code skip} (default) or {@code create} a lead when none has the customer's phone
	 * @param ownerMap CRM: agent email → CRM owner id, where emails differ
	 * @param spreadsheetId Sheets: the spreadsheet to append to
	 * @param range Sheets: the sheet (tab) name, {@code Sheet1} by default
	 */
	public record Request(String name, String connectionId, List<BusinessNumberId> businessNumberIds,
			String ifMissing, Map<String, String> ownerMap, String spreadsheetId, String range) {
	}

	/** What a template created: the bot, and the endpoint with its secret (shown this once). */
	public record Created(Bot bot, WebhookService.Created webhook) {
	}

	/** "Sync chat owner to CRM": the CRM owner of the customer's lead/contact follows the chat's agent. */
	@Transactional
	public Created crmOwnerSync(Caller caller, Request request) {
		require(request);
		ObjectNode config = json.createObjectNode();
		config.put("connectionId", request.connectionId());
		config.put("ifMissing", request.ifMissing() == null ? "skip" : request.ifMissing());
		if (request.ownerMap() != null) {
			ObjectNode map = config.putObject("ownerMap");
			request.ownerMap().forEach(map::put);
		}
		return create(caller, request, "Sync chat owner to CRM",
				List.of(new BotService.StepSettings("crm-owner", "crm_set_owner", "Set the CRM owner", null, config)));
	}

	/** "Assignment log": every assignment becomes a row in a Google Sheet. */
	@Transactional
	public Created sheetsAssignmentLog(Caller caller, Request request) {
		require(request);
		ObjectNode config = json.createObjectNode();
		config.put("connectionId", request.connectionId());
		config.put("spreadsheetId", request.spreadsheetId());
		config.put("range", request.range() == null ? "Sheet1" : request.range());
		var columns = config.putArray("columns");
		List.of("{{assignedAt}}", "{{chatId}}", "{{customerName}}", "{{customerNumber}}", "{{agentName}}",
				"{{agentEmail}}", "{{businessNumber}}", "{{source}}").forEach(columns::add);
		return create(caller, request, "Assignment log",
				List.of(new BotService.StepSettings("sheet-row", "google_sheets_append", "Append to the sheet", null, config)));
	}

	private Created create(Caller caller, Request request, String defaultName, List<BotService.StepSettings> steps) {
		String name = request.name() == null || request.name().isBlank() ? defaultName : request.name();
		Bot bot = bots.create(caller, new BotService.Settings(name, null, Bot.TriggerType.WEBHOOK, null, null, null, null));
		List<String> numbers = request.businessNumberIds() == null ? List.of()
				: request.businessNumberIds().stream().map(BusinessNumberId::value).toList();
		WebhookService.Created endpoint = webhooks.create(caller, new EndpointSettings(name, bot.trigger().hookUrl(),
				numbers, List.of("chat.assigned"), null, null, null, Endpoint.Ordering.PER_CHAT, null, null, null));
		bots.update(caller, bot.id(), new BotService.Settings(null, Bot.Status.ACTIVE, null, Bot.AuthType.STANDARD_WEBHOOKS,
				null, endpoint.secret(), null));
		bots.setVariables(caller, bot.id(), variables());
		Bot done = bots.setSteps(caller, bot.id(), steps);
		return new Created(done, endpoint);
	}

	private static List<BotService.VariableSettings> variables() {
		List<BotService.VariableSettings> v = new ArrayList<>();
		v.add(new BotService.VariableSettings("chatId", "/body/data/chatId", Variable.Type.TEXT, true, null, null));
		v.add(new BotService.VariableSettings("sequence", "/body/data/sequence", Variable.Type.NUMBER, true, null, null));
		v.add(new BotService.VariableSettings("customerNumber", "/body/data/customerPhone", Variable.Type.TEXT, true, null,
				List.of(Variable.Transform.E164)));
		v.add(new BotService.VariableSettings("customerName", "/body/data/customerName", Variable.Type.TEXT, false, null, null));
		v.add(new BotService.VariableSettings("agentEmail", "/body/data/assignedUserEmail", Variable.Type.TEXT, false, null,
				List.of(Variable.Transform.TRIM, Variable.Transform.LOWERCASE)));
		v.add(new BotService.VariableSettings("agentName", "/body/data/assignedUserName", Variable.Type.TEXT, false, null, null));
		v.add(new BotService.VariableSettings("agentPhone", "/body/data/assignedUserPhone", Variable.Type.TEXT, false, null, null));
		v.add(new BotService.VariableSettings("businessNumber", "/body/data/wabaNumber", Variable.Type.TEXT, false, null, null));
		v.add(new BotService.VariableSettings("assignedAt", "/body/data/assignment/assignedAt", Variable.Type.TEXT, false, null, null));
		v.add(new BotService.VariableSettings("source", "/body/data/assignment/source", Variable.Type.TEXT, false, null, null));
		return v;
	}

	private static void require(Request request) {
		if (request.connectionId() == null || request.connectionId().isBlank()) {
			throw new HandoffException.InvalidInput("connectionId", "is required");
		}
	}
}
