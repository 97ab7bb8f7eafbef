package io.handoff.platform;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code handoff.*}.
 *
 * @param dataDir where the embedded database and generated keys live
 * @param demo whether to create the demo workspace on an empty database
 * @param api limits of the REST API
 */
@ConfigurationProperties("handoff")
public record HandoffProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("false") boolean demo,
		@DefaultValue Api api) {

	/**
	 * @param maxBodySize largest request body accepted; larger ones get 413
	 * @param defaultPageSize items per page when a list request names no limit
	 * @param maxPageSize the largest limit a list request may ask for
	 */
	public record Api(@DefaultValue("1MB") DataSize maxBodySize, @DefaultValue("50") int defaultPageSize,
			@DefaultValue("200") int maxPageSize) {
	}
}
