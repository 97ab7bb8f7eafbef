/**
 * The AI bot: reads a customer's message, decides an intent (built-in classifier trained from the workspace's
 * example phrases, or an OpenAI-compatible chat-completions API), optionally replies, and hands the chat to the
 * right people with source {@code ai_bot}.
 */
package io.handoff.ai;
