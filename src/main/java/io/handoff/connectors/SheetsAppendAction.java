package io.handoff.connectors;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.handoff.platform.HandoffException;
import io.handoff.platform.WorkspaceId;
import io.handoff.studio.StepAction;

/**
 * Google Sheets: append row. Each column is a template ({@code {{agentName}}}, a fixed text, or a formula), the
 * row goes after the sheet's last row ({@code spreadsheets.values.append} with {@code valueInputOption=USER_ENTERED}
 * and {@code insertDataOption=INSERT_ROWS}), as the connection's service account, which the sheet must be shared with.
 */
@Component
class SheetsAppendAction implements StepAction {

	private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

	private final OutboundHttp http;
	private final ConnectionService connections;
	private final GoogleTokens tokens;
	private final ConnectorProperties properties;
	private final JsonMapper json;

	SheetsAppendAction(OutboundHttp http, ConnectionService connections, GoogleTokens tokens,
			ConnectorProperties properties, JsonMapper json) {
		this.http = http;
		this.connections = connections;
		this.tokens = tokens;
		this.properties = properties;
		this.json = json;
	}

	@Override
	public String type() {
		return "google_sheets_append";
	}

	@Override
	public ObjectNode validate(WorkspaceId workspace, ObjectNode config, String field) {
		ObjectNode valid = json.createObjectNode();
		String connection = Steps.required(config, "connectionId", field);
		connections.resolve(workspace, connection, Connection.Type.GOOGLE_SERVICE_ACCOUNT, field + ".connectionId");
		valid.put("connectionId", connection);
		String spreadsheet = Steps.required(config, "spreadsheetId", field);
		if (!spreadsheet.matches("[A-Za-z0-9_-]{10,200}")) {
			throw new HandoffException.InvalidInput(field + ".spreadsheetId",
					"must be the id in the sheet's URL (docs.google.com/spreadsheets/d/<id>/edit)");
		}
		valid.put("spreadsheetId", spreadsheet);
		String range = Steps.text(config, "range");
		valid.put("range", range == null ? "Sheet1" : range);
		JsonNode columns = config.get("columns");
		if (columns == null || !columns.isArray() || columns.isEmpty() || columns.size() > 200
				|| columns.valueStream().anyMatch(c -> !c.isString())) {
			throw new HandoffException.InvalidInput(field + ".columns",
					"must list 1 to 200 column values, e.g. [\"{{chatId}}\", \"{{agentName}}\"]");
		}
		valid.set("columns", columns);
		return valid;
	}

	@Override
	public Outcome run(Context context) throws InterruptedException {
		ObjectNode config = context.config();
		ObjectNode output = json.createObjectNode();
		ConnectionService.Resolved connection = connections.resolve(context.workspace(),
				config.path("connectionId").asString(), Connection.Type.GOOGLE_SERVICE_ACCOUNT, "connectionId");
		ObjectNode body = json.createObjectNode();
		ArrayNode row = body.putArray("values").addArray();
		config.path("columns").forEach(column -> row.add(context.text(column.asString())));
		output.set("row", row);
		String base = connection.setting("baseUrl") != null ? connection.setting("baseUrl") : properties.googleSheetsBaseUrl();
		HttpUrl url = HttpUrl.parse(base).newBuilder()
			.addPathSegments("v4/spreadsheets")
			.addPathSegment(config.path("spreadsheetId").asString())
			.addPathSegment("values")
			.addPathSegment(config.path("range").asString() + ":append")
			.addQueryParameter("valueInputOption", "USER_ENTERED")
			.addQueryParameter("insertDataOption", "INSERT_ROWS")
			.build();
		try {
			String token = tokens.token(connection, output);
			OutboundHttp.Exchange exchange = http.call(new Request.Builder().url(url)
				.header("Authorization", "Bearer " + token)
				.post(RequestBody.create(body.toString(), JSON))
				.build());
			Steps.logTries(output, exchange.tries(), json);
			output.put("status", exchange.status());
			output.set("response", Steps.body(exchange.body(), json));
			if (!exchange.ok()) {
				return CallFailed.of("Google Sheets answered " + exchange.status() + " after " + exchange.tries().size()
						+ " tries", exchange).outcome(output);
			}
			return Outcome.succeeded("Appended a row to " + output.path("response").path("updates").path("updatedRange")
				.asString(config.path("range").asString()), output);
		}
		catch (CallFailed e) {
			return e.outcome(output);
		}
		catch (OutboundHttp.Failed e) {
			Steps.logTries(output, e.tries(), json);
			return CallFailed.of("Google Sheets failed: " + e.getMessage(), e).outcome(output);
		}
	}
}
