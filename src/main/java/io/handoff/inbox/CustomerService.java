package io.handoff.inbox;

import java.time.Clock;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.handoff.platform.Timestamps;
import io.handoff.platform.Caller;
import io.handoff.platform.HandoffException;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;
import io.handoff.platform.PhoneNumbers;
import io.handoff.platform.WorkspaceId;

/** The workspace's customers, one per phone number. */
@Service
public class CustomerService {

	private final Customers customers;
	private final Clock clock;

	CustomerService(Customers customers, Clock clock) {
		this.customers = customers;
		this.clock = clock;
	}

	@Transactional
	public Customer create(WorkspaceId workspace, String name, String phone) {
		String e164 = PhoneNumbers.toE164("phone", phone);
		requireUnused(workspace, e164);
		Customer customer = new Customer(CustomerId.next(), blankToNull(name), e164, PhoneNumbers.waId(e164),
				Timestamps.now(clock));
		customers.insert(workspace, customer);
		return customer;
	}

	/** Changes name and phone; a null keeps the current value. */
	@Transactional
	public Customer update(WorkspaceId workspace, CustomerId id, String name, String phone) {
		Customer current = get(workspace, id, "id");
		String e164 = phone == null ? current.phone() : PhoneNumbers.toE164("phone", phone);
		if (!e164.equals(current.phone())) {
			requireUnused(workspace, e164);
		}
		Customer updated = new Customer(id, name == null ? current.name() : blankToNull(name), e164,
				PhoneNumbers.waId(e164), current.createdAt());
		customers.update(workspace, updated);
		return updated;
	}

	@Transactional
	public void delete(WorkspaceId workspace, CustomerId id) {
		get(workspace, id, "id");
		if (customers.hasChats(id)) {
			throw new HandoffException.Conflict("id", "the customer has chats; delete those first");
		}
		customers.delete(workspace, id);
	}

	public Customer get(WorkspaceId workspace, CustomerId id, String field) {
		return customers.find(workspace, id)
			.orElseThrow(() -> new HandoffException.NotFound(field, "customer", id.value()));
	}

	public Customer byPhone(WorkspaceId workspace, String phone, String field) {
		String e164 = PhoneNumbers.toE164(field, phone);
		return customers.findByPhone(workspace, e164)
			.orElseThrow(() -> new HandoffException.NotFound(field, "customer with phone", e164));
	}

	public Page<Customer> list(WorkspaceId workspace, PageRequest page) {
		return Page.of(customers.list(workspace, page), page.limit(), c -> c.id().value());
	}

	// For people and their keys: a member with "assigned chats only" sees only the customers of chats assigned to
	// them; deleting a customer takes a Team Lead or an Owner.

	public Customer get(Caller caller, CustomerId id, String field) {
		Customer customer = get(caller.workspaceId(), id, field);
		if (caller.assignedOnly() && !customers.hasChatAssignedTo(id, new MemberId(caller.id()))) {
			throw new HandoffException.NotFound(field, "customer", id.value());
		}
		return customer;
	}

	public Customer byPhone(Caller caller, String phone, String field) {
		Customer customer = byPhone(caller.workspaceId(), phone, field);
		return get(caller, customer.id(), field);
	}

	public Page<Customer> list(Caller caller, PageRequest page) {
		if (!caller.assignedOnly()) {
			return list(caller.workspaceId(), page);
		}
		return Page.of(customers.listAssignedTo(caller.workspaceId(), new MemberId(caller.id()), page), page.limit(),
				c -> c.id().value());
	}

	@Transactional
	public Customer update(Caller caller, CustomerId id, String name, String phone) {
		get(caller, id, "id");
		return update(caller.workspaceId(), id, name, phone);
	}

	@Transactional
	public void delete(Caller caller, CustomerId id) {
		caller.requireManager();
		delete(caller.workspaceId(), id);
	}

	private void requireUnused(WorkspaceId workspace, String e164) {
		customers.findByPhone(workspace, e164).ifPresent(existing -> {
			throw new HandoffException.Conflict("phone", "customer " + existing.id() + " already has this number");
		});
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.strip();
	}
}
