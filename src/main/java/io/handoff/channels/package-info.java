/**
 * Channels customers write through: the WhatsApp Cloud API webhook (verification handshake, signed notifications),
 * turning inbound messages into customers, chats and messages of the inbox.
 */
package io.handoff.channels;
