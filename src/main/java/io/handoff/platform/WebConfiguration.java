package io.handoff.platform;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

	/** Query parameters name enum values as payloads do ({@code status=open}, {@code base=team_lead}). */
	@Override
	public void addFormatters(FormatterRegistry registry) {
		registry.addConverterFactory(new LenientEnums());
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static final class LenientEnums implements ConverterFactory<String, Enum> {

		@Override
		public <T extends Enum> Converter<String, T> getConverter(Class<T> type) {
			return source -> source.isBlank() ? null : (T) Enum.valueOf(type, source.strip().toUpperCase());
		}
	}
}
