package io.handoff.inbox;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.platform.Timestamps;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.WorkspaceId;

/**
 * Chats and who owns them. Every assignment change locks the chat's row, moves its sequence on by one, appends to the
 * history and publishes {@link ChatAssignmentChanged}, all in one transaction: listeners that record the event and
 * fan it out to webhooks run inside it, so either everything happens or nothing does.
 */
@Service
public class ChatService {

	private final Chats chats;
	private final Members members;
	private final Customers customers;
	private final BusinessNumbers numbers;
	private final AssignmentHistory history;
	private final TeamService team;
	private final CustomerService customerService;
	private final ApplicationEventPublisher events;
	private final Clock clock;

	ChatService(Chats chats, Members members, Customers customers, BusinessNumbers numbers,
			AssignmentHistory history, TeamService team, CustomerService customerService,
			ApplicationEventPublisher events, Clock clock) {
		this.chats = chats;
		this.members = members;
		this.customers = customers;
		this.numbers = numbers;
		this.history = history;
		this.team = team;
		this.customerService = customerService;
		this.events = events;
		this.clock = clock;
	}

	/**
	 * The outcome of an assignment request.
	 *
	 * @param changed false when the chat already had that assignee (or none, for unassign): nothing was recorded
	 */
	public record Assignment(Chat chat, boolean changed) {
	}

	/** Who makes a change and how: the source and actor that the event carries. */
	public record Origin(AssignmentSource source, Actor actor, String botId) {

		public Origin {
			Objects.requireNonNull(source, "source");
			Objects.requireNonNull(actor, "actor");
			if ((source == AssignmentSource.BOT_WORKFLOW || source == AssignmentSource.AI_BOT) && botId == null) {
				throw new IllegalArgumentException("a " + source.wire() + " change names its bot");
			}
		}

		public static Origin manual(MemberId member, String name) {
			return new Origin(AssignmentSource.MANUAL, Actor.member(member, name), null);
		}

		public static Origin botWorkflow(String botId, String botName) {
			return new Origin(AssignmentSource.BOT_WORKFLOW, Actor.bot(botId, botName), botId);
		}

		public static Origin aiBot(String botId, String botName) {
			return new Origin(AssignmentSource.AI_BOT, Actor.aiBot(botId, botName), botId);
		}

		public static Origin api(String keyId, String keyName) {
			return new Origin(AssignmentSource.API, Actor.apiKey(keyId, keyName), null);
		}

		/** A change requested over HTTP: by API key it is an API change, by a signed-in member a manual one. */
		public static Origin of(Caller caller) {
			return switch (caller.kind()) {
				case API_KEY -> api(caller.id(), caller.name());
				case MEMBER -> manual(new MemberId(caller.id()), caller.name());
			};
		}
	}

	@Transactional
	public Chat open(WorkspaceId workspace, BusinessNumberId numberId, CustomerId customerId) {
		team.number(workspace, numberId, "businessNumberId");
		customerService.get(workspace, customerId, "customerId");
		chats.findOpen(workspace, numberId, customerId).ifPresent(existing -> {
			throw new HandoffException.Conflict("customerId",
					"the customer already has open chat " + existing.id() + " with this business number");
		});
		return insert(workspace, numberId, customerId);
	}

	/** The open chat of a customer with a business number, opened now if there is none. */
	@Transactional
	public Chat openOrGet(WorkspaceId workspace, BusinessNumberId numberId, CustomerId customerId) {
		return chats.findOpen(workspace, numberId, customerId).orElseGet(() -> insert(workspace, numberId, customerId));
	}

	private Chat insert(WorkspaceId workspace, BusinessNumberId numberId, CustomerId customerId) {
		Instant now = now();
		Chat chat = new Chat(ChatId.next(), numberId, customerId, Chat.Status.OPEN, null, 0, now, now, null);
		chats.insert(workspace, chat);
		return chat;
	}

	public Chat get(WorkspaceId workspace, ChatId id, String field) {
		return chats.find(workspace, id).orElseThrow(() -> new HandoffException.NotFound(field, "chat", id.value()));
	}

	public Page<Chat> list(WorkspaceId workspace, ChatFilter filter, PageRequest page) {
		return Page.of(chats.list(workspace, filter, page), page.limit(), c -> c.id().value());
	}

	// What a person (or their API key) may see and do, the same for the API, the console and anything else acting
	// for them: a member with "assigned chats only" sees and acts on only the chats assigned to them; Team Members
	// assign only on numbers they have a role on; deleting a chat takes a Team Lead or an Owner. Bots and the
	// system act through the workspace-level methods below.

	/** The chat, if the caller may see it; a chat they may not see is "not found", as a foreign one is. */
	public Chat get(Caller caller, ChatId id, String field) {
		Chat chat = get(caller.workspaceId(), id, field);
		if (!sees(caller, chat)) {
			throw new HandoffException.NotFound(field, "chat", id.value());
		}
		return chat;
	}

	/** Whether the caller may see the chat. */
	public boolean sees(Caller caller, Chat chat) {
		return !caller.assignedOnly() || (chat.assigneeId() != null && chat.assigneeId().value().equals(caller.id()));
	}

	public Page<Chat> list(Caller caller, ChatFilter filter, PageRequest page) {
		if (caller.assignedOnly()) {
			if (filter.unassigned() || (filter.assigneeId() != null && !filter.assigneeId().value().equals(caller.id()))) {
				return Page.of(java.util.List.of(), page.limit(), c -> c.id().value());
			}
			filter = new ChatFilter(filter.businessNumberId(), filter.customerId(), filter.status(),
					new MemberId(caller.id()), false);
		}
		return list(caller.workspaceId(), filter, page);
	}

	/**
	 * The inbox as the caller may see it (an assigned-only member: their chats), most recent activity first; one page
	 * of {@code limit} after {@code after}, plus whether there is more.
	 */
	public Page<InboxEntry> inbox(Caller caller, ChatFilter filter, String search, String after, int limit) {
		if (caller.assignedOnly()) {
			if (filter.unassigned() || (filter.assigneeId() != null && !filter.assigneeId().value().equals(caller.id()))) {
				return Page.of(java.util.List.of(), limit, e -> e.cursor().encode());
			}
			filter = new ChatFilter(filter.businessNumberId(), filter.customerId(), filter.status(),
					new MemberId(caller.id()), false);
		}
		MemberId reader = caller.kind() == Caller.Kind.MEMBER ? new MemberId(caller.id()) : null;
		return Page.of(chats.inbox(caller.workspaceId(), filter, search, InboxEntry.Cursor.decode(after), limit + 1,
				reader), limit, e -> e.cursor().encode());
	}

	/** The signed-in member has now seen the chat: its unread count for them starts again. */
	@Transactional
	public void markRead(Caller caller, ChatId chatId) {
		Chat chat = get(caller, chatId, "id");
		if (caller.kind() == Caller.Kind.MEMBER) {
			chats.read(chat.id(), new MemberId(caller.id()), Timestamps.now(clock));
		}
	}

	@Transactional
	public Chat changeStatus(Caller caller, ChatId id, Chat.Status status) {
		requireRoleOnNumber(caller, get(caller, id, "id"));
		return changeStatus(caller.workspaceId(), id, status, Origin.of(caller));
	}

	@Transactional
	public void delete(Caller caller, ChatId id) {
		caller.requireManager();
		delete(caller.workspaceId(), id);
	}

	@Transactional
	public Assignment assign(Caller caller, ChatId chatId, MemberId memberId) {
		Chat chat = get(caller, chatId, "chatId");
		requireRoleOnNumber(caller, chat);
		return assign(caller.workspaceId(), chatId, memberId, Origin.of(caller));
	}

	@Transactional
	public Assignment unassign(Caller caller, ChatId chatId) {
		Chat chat = get(caller, chatId, "chatId");
		requireRoleOnNumber(caller, chat);
		return unassign(caller.workspaceId(), chatId, Origin.of(caller));
	}

	/**
	 * Everything is checked before the chat is opened, and a customer the caller may not see is not found, as on
	 * {@code GET /customers}: an assigned-only member learns nothing of customers who are not theirs.
	 */
	@Transactional
	public Assignment assignByPhone(Caller caller, String customerPhone, String businessNumber, MemberId memberId) {
		WorkspaceId workspace = caller.workspaceId();
		BusinessNumber number = team.numberByNumberOrId(workspace, businessNumber, "businessNumber");
		Customer customer = customerService.byPhone(caller, customerPhone, "customerPhone");
		Optional<Chat> open = chats.findOpen(workspace, number.id(), customer.id());
		if (caller.assignedOnly() && open.filter(chat -> sees(caller, chat)).isEmpty()) {
			throw new Caller.Forbidden("Your role lets you act only on chats assigned to you");
		}
		requireRoleOnNumber(caller, number.id());
		Chat chat = open.orElseGet(() -> insert(workspace, number.id(), customer.id()));
		return assign(workspace, chat.id(), memberId, Origin.of(caller));
	}

	/**
	 * The chat, when the caller may act on it (reply, assign, resolve): they see it and, as a Team Member, have a
	 * role on its number.
	 */
	public Chat toActOn(Caller caller, ChatId chatId, String field) {
		Chat chat = get(caller, chatId, field);
		requireRoleOnNumber(caller, chat);
		return chat;
	}

	public Page<AssignmentChange> history(Caller caller, ChatId chatId, PageRequest page) {
		get(caller, chatId, "id");
		return history(caller.workspaceId(), chatId, page);
	}

	/** Team Members assign only chats of numbers they have a role on; managers and workspace keys assign anywhere. */
	private void requireRoleOnNumber(Caller caller, Chat chat) {
		requireRoleOnNumber(caller, chat.businessNumberId());
	}

	private void requireRoleOnNumber(Caller caller, BusinessNumberId numberId) {
		if (caller.manager() || caller.kind() != Caller.Kind.MEMBER) {
			return;
		}
		boolean hasRole = members.asAgentOn(caller.workspaceId(), new MemberId(caller.id()), numberId, false)
			.map(agent -> agent.wabaRole() != null)
			.orElse(false);
		if (!hasRole) {
			throw new Caller.Forbidden("You have no role on this chat's business number, so you cannot change its chats");
		}
	}

	/** Closes or reopens a chat. Reopening fails while another chat of the same pair is open. */
	@Transactional
	public Chat changeStatus(WorkspaceId workspace, ChatId id, Chat.Status status, Origin origin) {
		Chat chat = lock(workspace, id, "id");
		if (chat.status() == status) {
			return chat;
		}
		if (status == Chat.Status.OPEN) {
			chats.findOpen(workspace, chat.businessNumberId(), chat.customerId()).ifPresent(other -> {
				throw new HandoffException.Conflict("status",
						"the customer has another open chat " + other.id() + " with this business number");
			});
		}
		Instant now = now();
		long sequence = chats.changeStatus(id, status, now);
		Customer customer = customers.find(workspace, chat.customerId()).orElseThrow();
		BusinessNumber number = numbers.find(workspace, chat.businessNumberId()).orElseThrow();
		var assignee = chat.assigneeId() == null ? null
				: members.asAgentOn(workspace, chat.assigneeId(), chat.businessNumberId(), true).orElse(null);
		events.publishEvent(new ChatStatusChanged(workspace, id, sequence, status,
				new ChatAssignmentChanged.CustomerSnapshot(customer.id(), customer.name(), customer.phone(),
						customer.waId()),
				new ChatAssignmentChanged.BusinessSnapshot(number.id(), number.number(), number.displayName(),
						number.wabaId(), number.phoneNumberId()),
				assignee, origin.actor(), now,
				origin.actor().name() + (status == Chat.Status.CLOSED ? " resolved the chat" : " reopened the chat")));
		return get(workspace, id, "id");
	}

	@Transactional
	public void delete(WorkspaceId workspace, ChatId id) {
		lock(workspace, id, "id");
		chats.delete(workspace, id);
	}

	/**
	 * Assigns the chat to {@code memberId}, or reassigns it from its current assignee. The member must hold a role on
	 * the chat's business number. Assigning to the current assignee changes nothing and emits nothing.
	 */
	@Transactional
	public Assignment assign(WorkspaceId workspace, ChatId chatId, MemberId memberId, Origin origin) {
		Chat chat = lock(workspace, chatId, "chatId");
		if (chat.status() == Chat.Status.CLOSED) {
			throw new HandoffException.Conflict("chatId", "the chat is closed; reopen it before assigning");
		}
		var assignee = members.asAgentOn(workspace, memberId, chat.businessNumberId(), false)
			.orElseThrow(() -> new HandoffException.NotFound("memberId", "member", memberId.value()));
		if (assignee.wabaRole() == null) {
			throw new HandoffException.RuleViolation("memberId", assignee.name()
					+ " has no role on the chat's business number; give them one before assigning them its chats");
		}
		if (memberId.equals(chat.assigneeId())) {
			return new Assignment(chat, false);
		}
		return new Assignment(change(workspace, chat, assignee, origin), true);
	}

	/** Assigns the open chat of the customer with this phone number on the business number, opening one if needed. */
	@Transactional
	public Assignment assignByPhone(WorkspaceId workspace, String customerPhone, String businessNumber,
			MemberId memberId, Origin origin) {
		return assign(workspace, openOrGetByPhone(workspace, customerPhone, businessNumber).id(), memberId, origin);
	}

	/**
	 * The open chat of the customer with {@code customerPhone} on a business number (given as its number or id),
	 * opened now if there is none.
	 */
	@Transactional
	public Chat openOrGetByPhone(WorkspaceId workspace, String customerPhone, String businessNumber) {
		BusinessNumber number = team.numberByNumberOrId(workspace, businessNumber, "businessNumber");
		Customer customer = customerService.byPhone(workspace, customerPhone, "customerPhone");
		return openOrGet(workspace, number.id(), customer.id());
	}

	/** Takes the chat from its assignee; a chat without one stays as it is and nothing is emitted. */
	@Transactional
	public Assignment unassign(WorkspaceId workspace, ChatId chatId, Origin origin) {
		Chat chat = lock(workspace, chatId, "chatId");
		if (chat.assigneeId() == null) {
			return new Assignment(chat, false);
		}
		return new Assignment(change(workspace, chat, null, origin), true);
	}

	public Page<AssignmentChange> history(WorkspaceId workspace, ChatId chatId, PageRequest page) {
		get(workspace, chatId, "id");
		Long before;
		try {
			before = page.after() == null ? null : Long.parseLong(page.after());
		}
		catch (NumberFormatException e) {
			throw new HandoffException.InvalidInput("after", "must be a sequence number from a previous page");
		}
		return Page.of(history.list(workspace, chatId, before, page.fetchSize()), page.limit(),
				c -> Long.toString(c.sequence()));
	}

	private Chat change(WorkspaceId workspace, Chat chat, ChatAssignmentChanged.AgentSnapshot assignee,
			Origin origin) {
		Instant now = now();
		var previous = chat.assigneeId() == null ? null
				: members.asAgentOn(workspace, chat.assigneeId(), chat.businessNumberId(), true).orElse(null);
		long sequence = chats.changeAssignee(chat.id(), assignee == null ? null : assignee.id(), now);
		Customer customer = customers.find(workspace, chat.customerId()).orElseThrow();
		BusinessNumber number = numbers.find(workspace, chat.businessNumberId()).orElseThrow();
		var change = new ChatAssignmentChanged(workspace, chat.id(), sequence,
				new ChatAssignmentChanged.CustomerSnapshot(customer.id(), customer.name(), customer.phone(),
						customer.waId()),
				new ChatAssignmentChanged.BusinessSnapshot(number.id(), number.number(), number.displayName(),
						number.wabaId(), number.phoneNumberId()),
				assignee, previous, origin.source(), origin.actor(), origin.botId(), now,
				message(origin.actor(), assignee, previous));
		history.append(change);
		events.publishEvent(change);
		return new Chat(chat.id(), chat.businessNumberId(), chat.customerId(), chat.status(),
				assignee == null ? null : assignee.id(), sequence, chat.createdAt(), now, chat.closedAt());
	}

	private static String message(Actor actor, ChatAssignmentChanged.AgentSnapshot assignee,
			ChatAssignmentChanged.AgentSnapshot previous) {
		if (assignee == null) {
			return actor.name() + " unassigned the chat from " + previous.name();
		}
		return actor.name() + (previous == null ? " assigned" : " reassigned") + " the chat to " + assignee.name();
	}

	private Chat lock(WorkspaceId workspace, ChatId id, String field) {
		return chats.lock(workspace, id).orElseThrow(() -> new HandoffException.NotFound(field, "chat", id.value()));
	}

	private Instant now() {
		return Timestamps.now(clock);
	}
}
