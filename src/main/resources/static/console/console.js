// Times are sent as ISO 8601 UTC in <time datetime>; show them in the viewer's own time zone.
function localTimes(root) {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  root.querySelectorAll('time[datetime]').forEach(el => {
    const when = new Date(el.getAttribute('datetime'));
    if (!isNaN(when)) {
      el.textContent = format.format(when);
      el.title = el.getAttribute('datetime');
    }
  });
}

document.addEventListener('DOMContentLoaded', () => {
  localTimes(document);
  const header = document.querySelector('meta[name=csrf-header]');
  const token = document.querySelector('meta[name=csrf-token]');
  document.body.addEventListener('htmx:configRequest', e => {
    if (header && token) {
      e.detail.headers[header.content] = token.content;
    }
  });
  document.body.addEventListener('htmx:afterSwap', e => localTimes(e.target));
  document.body.addEventListener('click', e => {
    const button = e.target.closest('[data-copy]');
    if (button) {
      const source = document.getElementById(button.dataset.copy);
      navigator.clipboard?.writeText(source.value ?? source.textContent);
      button.textContent = 'Copied';
    }
  });
});

// Countdowns: elements with data-countdown (an ISO time) show the minutes and seconds left.
setInterval(() => {
  document.querySelectorAll('[data-countdown]').forEach(el => {
    const left = Math.max(0, Math.round((new Date(el.dataset.countdown) - Date.now()) / 1000));
    el.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
  });
}, 1000);

// Live parts of a page are fetched again one at a time. htmx.ajax made while another is in flight is queued
// (only the newest is kept) and later swapped into the element the first one has by then replaced, so a change
// could be fetched and never shown. A part asked for again while it waits is fetched once, after what was in flight.
const liveRefreshes = new Map();
let liveRefreshing = false;

function refreshLive(selector, url) {
  liveRefreshes.set(selector, url);
  if (!liveRefreshing) {
    nextLiveRefresh();
  }
}

function nextLiveRefresh() {
  const next = liveRefreshes.entries().next();
  liveRefreshing = !next.done;
  if (next.done) {
    return;
  }
  const [selector, url] = next.value;
  liveRefreshes.delete(selector);
  htmx.ajax('GET', url, { target: selector, select: selector, swap: 'outerHTML' }).finally(nextLiveRefresh);
}

// Live inbox: on a page that shows chats, refresh what changed when any chat's assignment changes.
document.addEventListener('DOMContentLoaded', () => {
  const list = document.getElementById('chats');
  const chat = document.querySelector('[data-live-chat]');
  const feed = document.getElementById('feed');
  if (!list && !chat && !feed) {
    return;
  }
  const events = new EventSource(document.querySelector('meta[name=live-events]').content);
  const refreshMessages = () => refreshLive('#messages', location.pathname);
  const refreshList = () => refreshLive('#chats', location.pathname + location.search);
  const refreshFeed = () => refreshLive('#feed', feed.dataset.source);
  let opened = false;
  events.addEventListener('open', () => {
    // What changed between drawing the page and listening is not sent again, so it is fetched once now: the
    // reports feed always (an assignment can land in that gap), a chat's messages when one was still on its way
    // when the page was drawn, and everything after a reconnect. The chat list is left alone on the first open:
    // swapping it under a user who is already clicking it costs more than a rare late row.
    const pending = document.querySelector('#messages .message-status.queued, #messages .message-status.sending');
    if (chat && (opened || pending)) {
      refreshMessages();
    }
    if (opened && list) {
      refreshList();
    }
    if (feed) {
      refreshFeed();
    }
    opened = true;
  });
  events.addEventListener('chat', e => {
    if (chat && chat.dataset.liveChat === e.data) {
      refreshLive('#assignment', location.pathname);
      refreshMessages();
    }
    if (list) {
      refreshList();
    }
    if (feed) {
      refreshFeed();
    }
  });
});

// Reports cut days in the viewer's time zone: a page opened without one asks again with it.
document.addEventListener('DOMContentLoaded', () => {
  const zone = document.querySelector('[data-viewer-zone]');
  if (!zone) {
    return;
  }
  const mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone.value && mine) {
    const url = new URL(location.href);
    url.searchParams.set('zone', mine);
    location.replace(url);
  }
});

// Local date-times typed by the viewer are sent as ISO 8601 UTC.
document.addEventListener('submit', e => {
  e.target.querySelectorAll('[data-utc-into]').forEach(input => {
    const target = document.getElementById(input.dataset.utcInto);
    const when = new Date(input.value);
    target.value = isNaN(when) ? input.value : when.toISOString();
  });
});

// A picker with data-fills copies the chosen option's value into the named field (e.g. a bot's URL into URL).
document.addEventListener('change', e => {
  const picker = e.target.closest('[data-fills]');
  if (picker && picker.value) {
    document.getElementById(picker.dataset.fills).value = picker.value;
  }
});

// Forms with data-confirm ask first (deletes, regenerating a URL, revoking a key); htmx buttons use hx-confirm.
document.addEventListener('submit', e => {
  const question = e.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

// A search box with data-filter-rows hides the rows (a CSS selector) whose text does not contain what is typed.
document.addEventListener('input', e => {
  const box = e.target.closest('[data-filter-rows]');
  if (box) {
    const wanted = box.value.trim().toLowerCase();
    document.querySelectorAll(box.dataset.filterRows).forEach(row => {
      row.hidden = wanted !== '' && !row.textContent.toLowerCase().includes(wanted);
    });
  }
});

// A type picker with data-shows-types shows only the groups whose data-for-types lists the chosen type.
function showTypes(picker) {
  document.querySelectorAll('[data-for-types]').forEach(group => {
    group.hidden = !group.dataset.forTypes.split(' ').includes(picker.value);
  });
}
document.addEventListener('DOMContentLoaded', () => document.querySelectorAll('[data-shows-types]').forEach(showTypes));
document.addEventListener('change', e => {
  if (e.target.matches('[data-shows-types]')) {
    showTypes(e.target);
  }
});
