/**
 * Cross-cutting foundations: tenancy, API keys and security, errors, ids, clock, configuration and the embedded
 * PostgreSQL bootstrap.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.handoff.platform;
