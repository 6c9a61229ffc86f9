import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { backoffDelay } from '../src/ssemux.js';
import { FakeEventSource, settle, until } from './fakes.js';
import { origin, query, record, states } from './helpers.js';

let o;
afterEach(() => o?.closeAll());

function single(options) {
  o = origin();
  return o.tab({ shareTabs: false, ...options });
}

test('backoff: full jitter between the floor and a doubling window capped at capMs', () => {
  const backoff = { floorMs: 100, capMs: 3000 };
  const windows = [200, 400, 800, 1600, 3000, 3000, 3000];
  windows.forEach((window, attempt) => {
    assert.equal(backoffDelay(attempt, backoff, () => 0), 100, `attempt ${attempt} low end`);
    assert.ok(Math.abs(backoffDelay(attempt, backoff, () => 0.999999) - window) < 0.01, `attempt ${attempt} high end`);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(attempt, backoff);
      assert.ok(delay >= 100 && delay <= window, `attempt ${attempt}: ${delay}`);
    }
  });
  const spread = new Set(Array.from({ length: 50 }, () => Math.round(backoffDelay(3, backoff))));
  assert.ok(spread.size > 10, 'delays are spread out');
  assert.equal(backoffDelay(0, { floorMs: 500, capMs: 100 }, () => 0.5), 500, 'the floor wins over a smaller cap');
});

test('a dropped stream is closed at once and reopened after the backoff with lastEventId and the current union', async () => {
  const client = single({ backoff: { floorMs: 40, capMs: 40 } });
  const seen = states(client);
  const got = record(client, { channels: ['a'], type: 't' });
  await until(() => client.state === 'open', 'open');
  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'POST');
  const id = o.hub.publish('a', 't', 1);
  const first = o.hub.sources[0];
  const droppedAt = Date.now();
  o.hub.drop(first);
  assert.equal(first.readyState, FakeEventSource.CLOSED, 'the browser must not retry on its own');
  assert.equal(client.state, 'reconnecting');
  const missed = o.hub.publish('a', 't', 2);
  await until(() => client.state === 'open', 'reopen');
  assert.ok(Date.now() - droppedAt >= 35, 'waited for the backoff');
  assert.equal(o.hub.sources.length, 2);
  const q = query(o.hub.sources[1]);
  assert.equal(q.lastEventId, id);
  assert.deepEqual(q.channels.split(',').sort(), ['a', 'b']);
  assert.deepEqual(got.received.map(([d, m]) => [d, m.id]), [[1, id], [2, missed]], 'the replay fills the gap');
  assert.deepEqual(seen, ['connecting', 'open', 'reconnecting', 'open']);
});

test('the backoff window doubles while the server stays away and starts over once connected', async (t) => {
  const delays = [];
  const realSetTimeout = globalThis.setTimeout;
  t.mock.method(globalThis, 'setTimeout', (fn, ms, ...args) => {
    if (ms >= 10) delays.push(Math.round(ms));
    return realSetTimeout(fn, ms, ...args);
  });
  // No dead-stream check: its timer would be recorded too.
  const client = single({ backoff: { floorMs: 10, capMs: 60 }, deadAfterHeartbeats: 0, env: { random: () => 0.9999 } });
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  o.hub.down = true;
  o.hub.drop(o.hub.sources[0]);
  await until(() => o.hub.sources.length === 5, 'four failed attempts');
  o.hub.down = false;
  await until(() => client.state === 'open', 'open again');
  o.hub.drop(o.hub.sources.at(-1));
  await until(() => client.state === 'open', 'open after one more drop');
  assert.deepEqual(delays, [20, 40, 60, 60, 60, 20]);
});

test('reset: onReset is called and the cursor moves to the reset id', async () => {
  const client = single();
  const resets = [];
  client.onReset((info) => resets.push(info));
  client.subscribe({ channels: ['a'], type: 't', handler() {} });
  await until(() => client.state === 'open', 'open');
  o.hub.publish('a', 't', 1);
  o.hub.history.length = 0; // the server restarted: it knows no id
  const newest = o.hub.publish('z', 't', 0);
  o.hub.drop(o.hub.sources[0]);
  await until(() => resets.length === 1, 'reset');
  assert.equal(resets[0].reason, 'unknown_id');
  o.hub.drop(o.hub.sources[1]);
  await until(() => o.hub.sources.length === 3 && client.state === 'open', 'third stream');
  assert.equal(query(o.hub.sources[2]).lastEventId, newest);
  assert.equal(resets.length, 1, 'the same gap is not reported twice');
});

test('draining: the client comes back after the server\'s delay, not its backoff, and resumes', async () => {
  const client = single();
  const seen = states(client);
  const got = [];
  client.subscribe({ channels: ['a'], type: 't', handler: (data) => got.push(data) });
  await until(() => client.state === 'open', 'open');
  const first = o.hub.publish('a', 't', 1);
  await until(() => got.length === 1, 'the first event');

  o.hub.drain(o.hub.sources[0], 80);
  o.hub.publish('a', 't', 2); // published while the client is away
  await settle(40); // ten times the backoff cap
  assert.equal(o.hub.sources.length, 1, 'no reconnect before the server\'s delay');
  await until(() => o.hub.sources.length === 2 && client.state === 'open', 'the reconnect');

  assert.equal(query(o.hub.sources[1]).lastEventId, first);
  await until(() => got.length === 2, 'the event published meanwhile');
  assert.deepEqual(got, [1, 2]);
  assert.deepEqual(seen, ['connecting', 'open', 'reconnecting', 'open']);
});

test('evicted: state evicted, the stream is closed and never reopened', async () => {
  const client = single();
  const seen = states(client);
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  o.hub.evict(o.hub.sources[0]);
  assert.equal(client.state, 'evicted');
  client.subscribe({ channels: ['b'], handler() {} });
  await settle(20); // far past the 4 ms backoff cap
  assert.equal(o.hub.sources.length, 1);
  assert.equal(o.hub.sources[0].readyState, FakeEventSource.CLOSED);
  assert.deepEqual(seen, ['connecting', 'open', 'evicted']);
});

test('close(): state closed, no reconnect, listeners can unsubscribe', async () => {
  const client = single();
  const seen = [];
  const off = client.onState((s) => seen.push(s));
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  off();
  client.close();
  assert.equal(client.state, 'closed');
  assert.equal(o.hub.sources[0].readyState, FakeEventSource.CLOSED);
  await settle(20);
  assert.equal(o.hub.sources.length, 1);
  assert.deepEqual(seen, ['connecting', 'open']);
});

test('a reconnect with nothing subscribed waits for the next subscription', async () => {
  const client = single();
  const off = client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  off();
  await until(() => o.hub.posts.length === 1, 'unsubscribe POST');
  o.hub.drop(o.hub.sources[0]);
  await until(() => client.state === 'closed', 'closed');
  assert.equal(o.hub.sources.length, 1);
  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => client.state === 'open', 'open again');
  assert.equal(query(o.hub.sources[1]).channels, 'b');
});
