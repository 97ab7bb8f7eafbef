package io.handoff.connectors;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;

/** Bot templates over the API. */
@RestController
@RequestMapping("/api/v1/templates")
class TemplateController {

	private final TemplateService templates;

	TemplateController(TemplateService templates) {
		this.templates = templates;
	}

	/** "Sync chat owner to CRM" (HubSpot, Zoho CRM or Salesforce, by the connection's type). */
	@PostMapping("/crm-owner-sync")
	@ResponseStatus(HttpStatus.CREATED)
	TemplateService.Created crmOwnerSync(@AuthenticationPrincipal Caller caller,
			@RequestBody TemplateService.Request request) {
		return templates.crmOwnerSync(caller, request);
	}

	/** "Assignment log" in a Google Sheet. */
	@PostMapping("/sheets-assignment-log")
	@ResponseStatus(HttpStatus.CREATED)
	TemplateService.Created sheetsAssignmentLog(@AuthenticationPrincipal Caller caller,
			@RequestBody TemplateService.Request request) {
		return templates.sheetsAssignmentLog(caller, request);
	}
}
