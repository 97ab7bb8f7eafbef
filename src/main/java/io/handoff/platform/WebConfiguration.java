package io.handoff.platform;

import java.util.List;

import com.fasterxml.jackson.annotation.Nulls;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

	private final JsonMapper json;

	WebConfiguration(JsonMapper json) {
		this.json = json;
	}

	/**
	 * Request bodies refuse fields no operation knows: a misspelt or misremembered name (businessNumberIds for
	 * businessNumbers) would otherwise be dropped without a word, and the request would do something else than
	 * asked. They also refuse {@code null} inside lists and maps ({@code "numberRoles": [null]}), which no operation
	 * means and which reached services as a null element. Only bodies of requests are strict; what Handoff stores
	 * and reads back stays lenient.
	 */
	@Override
	public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
		JsonMapper strict = json.rebuild()
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.changeDefaultNullHandling(nulls -> nulls.withContentNulls(Nulls.FAIL))
			.build();
		for (int i = 0; i < converters.size(); i++) {
			if (converters.get(i) instanceof JacksonJsonHttpMessageConverter) {
				converters.set(i, new JacksonJsonHttpMessageConverter(strict));
			}
		}
	}

	/** Errors Tomcat answers itself (addresses it refuses before Spring sees them) come as problem+json too. */
	@org.springframework.context.annotation.Bean
	org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory> problemErrorReports() {
		return factory -> factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
				host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
			}
		});
	}

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
