/**
 * Dead-stream detection: a stream that delivers nothing, not even a `heartbeat` event, for
 * `deadAfterHeartbeats` (default 3) times `heartbeatSeconds` is closed and reopened. The client's
 * timers and clock are a ManualClock, so no test waits for real.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { FakeEventSource, ManualClock, until } from './fakes.js';
import { origin, query, record, states } from './helpers.js';

let o;
afterEach(() => o?.closeAll());

/**
 * One tab on a manual clock; `heartbeatSeconds` is what the fake server announces (0.2 unless
 * given; given as undefined, `connected` leaves it out).
 */
async function openClient(params = {}) {
  const { heartbeatSeconds, ...options } = params;
  o = origin();
  o.hub.heartbeatSeconds = 'heartbeatSeconds' in params ? heartbeatSeconds : 0.2;
  const clock = new ManualClock();
  const { setTimeout, clearTimeout, now } = clock;
  const client = o.tab({ shareTabs: false, backoff: { floorMs: 100, capMs: 100 }, ...options, env: { setTimeout, clearTimeout, now } });
  const seen = states(client);
  const got = record(client, { channels: ['a'] });
  await until(() => client.state === 'open', 'open');
  return { client, clock, seen, got, source: o.hub.sources[0] };
}

test('a stream silent for 3 heartbeat intervals is closed and reopened after the backoff with lastEventId', async () => {
  const { client, clock, seen, got, source } = await openClient({ heartbeatSeconds: 0.2 }); // fractional: 600 ms
  const id = o.hub.publish('a', 't', 1);
  clock.advance(599);
  assert.equal(client.state, 'open');
  assert.equal(source.readyState, FakeEventSource.OPEN);

  clock.advance(1); // 600 ms without anything since the event
  assert.equal(source.readyState, FakeEventSource.CLOSED, 'the dead stream is closed, not left to the browser');
  assert.equal(client.state, 'reconnecting');
  const missed = o.hub.publish('a', 't', 2);

  clock.advance(99);
  assert.equal(o.hub.sources.length, 1, 'waits for the backoff');
  clock.advance(1);
  assert.equal(o.hub.sources.length, 2);
  await until(() => client.state === 'open', 'reopened');
  assert.equal(query(o.hub.sources[1]).lastEventId, id);
  assert.deepEqual(got.received.map(([d, m]) => [d, m.id]), [[1, id], [2, missed]], 'the replay fills the gap');
  assert.deepEqual(seen, ['connecting', 'open', 'reconnecting', 'open']);
});

test('heartbeat events alone keep an idle stream open; so do published events', async () => {
  const { client, clock, source } = await openClient({ heartbeatSeconds: 0.2 });
  for (let i = 0; i < 20; i++) {
    clock.advance(200);
    o.hub.heartbeat();
  }
  for (let i = 0; i < 5; i++) {
    clock.advance(500);
    o.hub.publish('a', 't', i);
  }
  clock.advance(599);
  assert.equal(client.state, 'open');
  assert.equal(source.readyState, FakeEventSource.OPEN);
  assert.equal(o.hub.sources.length, 1);
  clock.advance(1);
  assert.equal(client.state, 'reconnecting', 'and silence after them still counts');
});

test('the multiple of heartbeatSeconds is configurable', async () => {
  const { client, clock } = await openClient({ heartbeatSeconds: 1, deadAfterHeartbeats: 5 });
  clock.advance(4999);
  assert.equal(client.state, 'open');
  clock.advance(1);
  assert.equal(client.state, 'reconnecting');
});

test('deadAfterHeartbeats 0, or a server announcing no heartbeats, turns the check off', async () => {
  for (const [options, what] of [
    [{ deadAfterHeartbeats: 0 }, 'deadAfterHeartbeats: 0'],
    [{ heartbeatSeconds: 0 }, 'heartbeatSeconds: 0'],
    [{ heartbeatSeconds: undefined }, 'no heartbeatSeconds'],
  ]) {
    const { client, clock } = await openClient(options);
    assert.deepEqual(clock.pending, [], `${what}: no timer`);
    clock.advance(24 * 3600 * 1000);
    assert.equal(client.state, 'open', what);
    o.closeAll();
  }
});

test('a drop, an eviction or close() stops the check of the old stream', async () => {
  const { client, clock } = await openClient({ heartbeatSeconds: 0.2 });
  assert.deepEqual(clock.pending, [600]);
  o.hub.drop(o.hub.sources[0]);
  assert.deepEqual(clock.pending, [100], 'only the reconnect timer is left');
  clock.advance(100);
  await until(() => client.state === 'open', 'reopened');
  assert.deepEqual(clock.pending, [600], 'the new stream has its own check');
  o.hub.evict(o.hub.sources[1]);
  assert.deepEqual(clock.pending, []);
  assert.equal(client.state, 'evicted');
  client.close();
  assert.deepEqual(clock.pending, []);
});

test('a stream silent again after its reconnect is detected again', async () => {
  const { client, clock } = await openClient({ heartbeatSeconds: 0.2 });
  for (let round = 1; round <= 3; round++) {
    clock.advance(600);
    assert.equal(client.state, 'reconnecting', `round ${round}`);
    clock.advance(100);
    await until(() => client.state === 'open', `reopened, round ${round}`);
  }
  assert.equal(o.hub.sources.length, 4);
  assert.equal(o.hub.open.length, 1);
});
