/**
 * The web console: server-rendered pages (Thymeleaf) made live with htmx, over the same services and rights as the
 * API. Sign-in, the inbox, Settings → Webhooks with the delivery log, Bot Studio, and Settings → Team, Numbers, API
 * keys.
 */
package io.handoff.web;
