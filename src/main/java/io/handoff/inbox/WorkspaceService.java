package io.handoff.inbox;

import java.time.Clock;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.platform.Timestamps;
import io.handoff.platform.Ids;
import io.handoff.platform.WorkspaceId;

/** Creates workspaces, each with the built-in roles. */
@Service
public class WorkspaceService {

	private final Workspaces workspaces;
	private final Roles roles;
	private final Clock clock;

	WorkspaceService(Workspaces workspaces, Roles roles, Clock clock) {
		this.workspaces = workspaces;
		this.roles = roles;
		this.clock = clock;
	}

	@Transactional
	public WorkspaceId create(String name) {
		WorkspaceId id = WorkspaceId.next();
		workspaces.insert(id, name, Timestamps.now(clock));
		for (Role.Base base : Role.Base.values()) {
			roles.insert(id, new Role(Ids.next("role"), base.builtInName(), base, true));
		}
		return id;
	}

	/** Whether the database holds no workspace yet: a fresh installation. */
	public boolean none() {
		return !workspaces.any();
	}
}
