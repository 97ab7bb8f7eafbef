package io.handoff.inbox;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.handoff.platform.Caller;
import io.handoff.platform.HandoffProperties;
import io.handoff.platform.Page;
import io.handoff.platform.PageRequest;

@RestController
@RequestMapping("/api/v1/customers")
class CustomerController {

	private final CustomerService customers;
	private final HandoffProperties properties;

	CustomerController(CustomerService customers, HandoffProperties properties) {
		this.customers = customers;
		this.properties = properties;
	}

	record CreateCustomer(@Size(max = 200) String name, @NotBlank String phone) {
	}

	record UpdateCustomer(@Size(max = 200) String name, String phone) {
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Customer create(@AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateCustomer request) {
		return customers.create(caller.workspaceId(), request.name(), request.phone());
	}

	/** All customers, or the one with {@code phone}. */
	@GetMapping
	Page<Customer> list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) String phone,
			@RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
		PageRequest page = PageRequest.of(limit, after, properties.api());
		if (phone != null) {
			return new Page<>(java.util.List.of(customers.byPhone(caller, phone, "phone")), false,
					null);
		}
		return customers.list(caller, page);
	}

	@GetMapping("/{id}")
	Customer get(@AuthenticationPrincipal Caller caller, @PathVariable CustomerId id) {
		return customers.get(caller, id, "id");
	}

	@PatchMapping("/{id}")
	Customer update(@AuthenticationPrincipal Caller caller, @PathVariable CustomerId id,
			@Valid @RequestBody UpdateCustomer request) {
		return customers.update(caller, id, request.name(), request.phone());
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@AuthenticationPrincipal Caller caller, @PathVariable CustomerId id) {
		customers.delete(caller, id);
	}
}
