/**
 * Outbound integrations that Bot Studio steps use: connections (credentials, sealed), the HTTP Request step,
 * Google Sheets (append a row), and CRM owner sync for HubSpot, Zoho CRM and Salesforce, with retries of transient
 * failures inside the run and a guard that never lets an older assignment overwrite a newer one.
 */
package io.handoff.connectors;
