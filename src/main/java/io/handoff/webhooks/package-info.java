/**
 * Webhook endpoints a workspace subscribes: their settings, signing secrets and rotation, the URL guard against
 * server-side request forgery, Standard Webhooks signing, and sending one request.
 */
package io.handoff.webhooks;
