package io.handoff;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Handoff tracks who owns every customer conversation and tells other systems the moment that changes.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HandoffApplication {

	public static void main(String[] args) {
		SpringApplication.run(HandoffApplication.class, args);
	}
}
