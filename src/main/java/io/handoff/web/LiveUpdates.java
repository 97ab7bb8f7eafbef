package io.handoff.web;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.handoff.inbox.ChatAssignmentChanged;
import io.handoff.platform.Caller;
import io.handoff.platform.Notifications;

/**
 * Live inbox: every assignment change, by anyone (a person, a bot, the API) on any node, reaches the open pages of
 * the workspace as a server-sent event naming the chat, at commit, through {@code NOTIFY}. Pages then fetch what
 * changed; the event itself carries no chat data, so a page only sees what its member may see.
 */
@Controller
class LiveUpdates implements SmartLifecycle {

	static final String CHANNEL = "handoff_chats";

	private final Notifications notifications;
	private final Map<String, Set<SseEmitter>> byWorkspace = new ConcurrentHashMap<>();
	private volatile boolean running;

	LiveUpdates(Notifications notifications) {
		this.notifications = notifications;
		notifications.listen(CHANNEL, this::broadcast);
	}

	@GetMapping(path = "/inbox/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter events(@AuthenticationPrincipal Caller caller) throws IOException {
		SseEmitter emitter = new SseEmitter(0L);
		Set<SseEmitter> emitters = byWorkspace.computeIfAbsent(caller.workspaceId().value(),
				k -> ConcurrentHashMap.newKeySet());
		emitters.add(emitter);
		emitter.onCompletion(() -> emitters.remove(emitter));
		emitter.onTimeout(() -> emitters.remove(emitter));
		emitter.onError(e -> emitters.remove(emitter));
		emitter.send(SseEmitter.event().comment("connected"));
		return emitter;
	}

	@Override
	public void start() {
		running = true;
	}

	/**
	 * Ends every open stream before the web server's graceful shutdown (this bean's phase is later, so it stops
	 * first): a stream never ends by itself, and the server would wait out its whole grace period for them. Pages
	 * reconnect to another node, or to this one when it is back.
	 */
	@Override
	public void stop() {
		running = false;
		byWorkspace.values().forEach(emitters -> {
			emitters.forEach(SseEmitter::complete);
			emitters.clear();
		});
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(ChatAssignmentChanged changed) {
		notifications.notify(CHANNEL, changed.workspaceId().value() + " " + changed.chatId().value());
	}

	@EventListener
	@Transactional(propagation = Propagation.MANDATORY)
	void on(io.handoff.inbox.ChatActivity activity) {
		notifications.notify(CHANNEL, activity.workspaceId().value() + " " + activity.chatId().value());
	}

	private void broadcast(String payload) {
		String[] parts = payload.split(" ", 2);
		if (parts.length != 2) {
			return;
		}
		Set<SseEmitter> emitters = byWorkspace.get(parts[0]);
		if (emitters == null) {
			return;
		}
		for (SseEmitter emitter : emitters) {
			try {
				emitter.send(SseEmitter.event().name("chat").data(parts[1]));
			}
			catch (IOException | IllegalStateException e) {
				emitters.remove(emitter);
			}
		}
	}
}
