package io.handoff.inbox;

import java.util.Optional;

import org.springframework.stereotype.Component;

import io.handoff.platform.Caller;
import io.handoff.platform.MemberDirectory;
import io.handoff.platform.Timestamps;
import io.handoff.platform.WorkspaceId;

/** Tells the security layer who a member is and whether their role lets them manage settings. */
@Component
class MemberCallers implements MemberDirectory {

	private final Members members;

	private final java.time.Clock clock;

	MemberCallers(Members members, java.time.Clock clock) {
		this.members = members;
		this.clock = clock;
	}

	@Override
	public Optional<Caller> asCaller(WorkspaceId workspace, String memberId) {
		return members.access(workspace, new MemberId(memberId))
			.map(access -> new Caller(workspace, Caller.Kind.MEMBER, memberId, access.name(),
					access.base().managesSettings(), access.base() == Role.Base.TEAM_MEMBER_ASSIGNED,
					access.base() == Role.Base.OWNER, access.credentials()));
	}

	@Override
	public void seen(WorkspaceId workspace, String memberId) {
		members.seen(workspace, new MemberId(memberId), Timestamps.now(clock));
	}

	@Override
	public java.util.List<SignIn> signIns(String email) {
		return members.signIns(email);
	}
}
