/**
 * Bot Studio: bots and their triggers (On Webhook, On Incoming Message), Capture Response and the captured sample,
 * field mapping, flows of steps (Assign Agent, and the connectors' actions), and runs with their logs.
 */
package io.handoff.studio;
