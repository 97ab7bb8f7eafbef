/**
 * The team inbox: workspaces, business numbers, team members and roles, customers, chats and their assignment.
 */
package io.handoff.inbox;
