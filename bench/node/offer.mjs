// Open-loop load generator and receiver in one Node process, so that one clock times each request from its send to
// the forwarded call that the flow under test makes to this process's receiver.
//
//   node offer.mjs --url <hook URL> --rate <requests/s> --seconds <n> --receiver-port <port> [--drain-seconds <n>]
//   node offer.mjs --ceiling --receiver-port <port> [--seconds <n>]
//
// Each request POSTs {"data": {"chatId": <unique id>, "customerPhone", "assignedUserEmail", "wabaNumber"}}; the flow
// maps three fields and POSTs {"id": chatId, ...} to http://127.0.0.1:<port>/forward. Prints one JSON line: requests
// sent, accepted (2xx), failed, the hook's answer time and the send → forward time (p50/p95/p99/max, ms), forwards
// per second, and forwards that never came. --ceiling measures this process's own limit instead: it sends to its own
// receiver with 64 requests in flight, and counts a send and a receive per request, as a real round does.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return pairs;
}, []));
const port = Number(args['receiver-port']);
const seconds = Number(args.seconds ?? 20);
const rate = Number(args.rate ?? 100);
const drainSeconds = Number(args['drain-seconds'] ?? 60);
const run = Math.random().toString(36).slice(2, 8);

const sentAt = new Map();
const endToEnd = [];
let lastForward = 0;

const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const now = performance.now();
    try {
      const id = JSON.parse(Buffer.concat(chunks).toString()).id;
      const sent = sentAt.get(id);
      if (sent !== undefined) {
        sentAt.delete(id);
        endToEnd.push(now - sent);
        lastForward = now;
      }
    } catch {
      // Not a forward of this round: answered all the same.
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
receiver.keepAliveTimeout = 65_000;
await new Promise((resolve) => receiver.listen(port, '127.0.0.1', resolve));

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function post(url, body) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json',
      'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] * 10) / 10;
}

function summary(values) {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: percentile(values, 100) };
}

function body(n) {
  return JSON.stringify({ data: { chatId: `${run}-${n}`, customerPhone: `98 ${String(10000000 + (n % 200)).slice(0, 4)} ${String(n % 10000).padStart(4, '0')}`,
    assignedUserEmail: `Agent${n % 3}@Example.com`, wabaNumber: '+919000000000' } });
}

if (args.ceiling) {
  // Closed loop against its own receiver: each request is one send and one receive, as in a round.
  const url = `http://127.0.0.1:${port}/forward`;
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (performance.now() < until) {
      await post(url, JSON.stringify({ id: 'ceiling' }));
      done++;
    }
  }));
  console.log(JSON.stringify({ ceilingPerSecond: Math.round(done / seconds) }));
  process.exit(0);
}

const answers = [];
let accepted = 0;
let failed = 0;
const total = Math.round(rate * seconds);
const pending = [];
const start = performance.now();
let n = 0;
await new Promise((resolve) => {
  const tick = () => {
    const due = Math.min(total, Math.floor((performance.now() - start) / 1000 * rate) + 1);
    while (n < due) {
      const id = n++;
      sentAt.set(`${run}-${id}`, performance.now());
      pending.push(post(args.url, body(id)).then((r) => {
        answers.push(r.ms);
        if (r.status >= 200 && r.status < 300) accepted++; else { failed++; sentAt.delete(`${run}-${id}`); }
      }));
    }
    if (n < total) setTimeout(tick, 1); else resolve();
  };
  tick();
});
const offeredSeconds = (performance.now() - start) / 1000;
await Promise.all(pending);
// Drain: wait for the forwards of every accepted request, or until none has come for ten seconds.
const drainUntil = performance.now() + drainSeconds * 1000;
while (endToEnd.length < accepted && performance.now() < drainUntil
    && performance.now() - Math.max(lastForward, start + offeredSeconds * 1000) < 10_000) {
  await new Promise((r) => setTimeout(r, 100));
}
const span = ((lastForward || performance.now()) - start) / 1000;
console.log(JSON.stringify({
  offered: rate, seconds, offeredSeconds: Math.round(offeredSeconds * 100) / 100, sent: n, accepted, failed,
  forwarded: endToEnd.length, missing: accepted - endToEnd.length,
  forwardedPerSecond: Math.round(endToEnd.length / Math.max(span, seconds)),
  answer: summary(answers), endToEnd: summary(endToEnd),
}));
agent.destroy();
receiver.close();
process.exit(0);
