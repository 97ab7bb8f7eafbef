/**
 * Team performance: per agent and period, assignments by source, reassignments, resolutions, open chats and the
 * medians of time to first assignment, first response and resolution; kept as aggregates in the transaction of each
 * change, so that a report reads a few thousand rows however long the history.
 */
package io.handoff.reports;
