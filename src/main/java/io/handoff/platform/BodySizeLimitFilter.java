package io.handoff.platform;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over a size limit with 413: at once when {@code Content-Length} says so, and while reading
 * when a chunked body grows past it, so an oversized body is never buffered whole.
 */
class BodySizeLimitFilter extends OncePerRequestFilter {

	private final Problems problems;
	private final long maxBytes;

	BodySizeLimitFilter(Problems problems, long maxBytes) {
		this.problems = problems;
		this.maxBytes = maxBytes;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > maxBytes) {
			problems.write(response, Problems.of(HttpStatus.CONTENT_TOO_LARGE, "body_too_large", null,
					BodyTooLarge.message(maxBytes)));
			return;
		}
		chain.doFilter(new Limited(request, maxBytes), response);
	}

	/** Thrown from the body stream when a request crosses the limit while being read. */
	static final class BodyTooLarge extends IOException {

		BodyTooLarge(long maxBytes) {
			super(message(maxBytes));
		}

		static String message(long maxBytes) {
			return "The request body is larger than the limit of " + maxBytes + " bytes";
		}
	}

	private static final class Limited extends HttpServletRequestWrapper {

		private final long maxBytes;
		private ServletInputStream stream;

		Limited(HttpServletRequest request, long maxBytes) {
			super(request);
			this.maxBytes = maxBytes;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (stream == null) {
				stream = new LimitedStream(super.getInputStream(), maxBytes);
			}
			return stream;
		}
	}

	private static final class LimitedStream extends ServletInputStream {

		private final ServletInputStream in;
		private final long maxBytes;
		private long read;

		LimitedStream(ServletInputStream in, long maxBytes) {
			this.in = in;
			this.maxBytes = maxBytes;
		}

		@Override
		public int read() throws IOException {
			int b = in.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = in.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) throws BodyTooLarge {
			read += n;
			if (read > maxBytes) {
				throw new BodyTooLarge(maxBytes);
			}
		}

		@Override
		public boolean isFinished() {
			return in.isFinished();
		}

		@Override
		public boolean isReady() {
			return in.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			in.setReadListener(listener);
		}
	}
}
