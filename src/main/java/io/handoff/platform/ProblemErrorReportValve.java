package io.handoff.platform;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * What Tomcat answers for requests it refuses before they reach Handoff (a NUL or an encoded {@code ../} in the
 * path): problem+json, like every other error, instead of Tomcat's HTML page with its version.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		String detail = status == 400 ? "The request is malformed: its address has characters that are not allowed "
				+ "(such as %00 or an encoded ../)" : "The request could not be handled";
		try {
			response.setContentType("application/problem+json");
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write("{\"type\":\"about:blank\",\"title\":\"" + (status == 400 ? "Bad Request" : "Error")
						+ "\",\"status\":" + status + ",\"code\":\"" + (status == 400 ? "invalid_path" : "error")
						+ "\",\"detail\":\"" + detail + "\"}");
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException e) {
			// The client is gone; nothing more to tell it.
		}
	}
}
