import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { settle, until } from './fakes.js';
import { origin, query, record } from './helpers.js';

let o;
afterEach(() => o.closeAll());

/** A single tab without sharing: its own connection. */
function single(options) {
  o = origin();
  return o.tab({ shareTabs: false, ...options });
}

test('does not connect before the first subscription', async () => {
  const client = single();
  await settle();
  assert.equal(o.hub.sources.length, 0);
  assert.equal(client.state, 'closed');
});

test('the first connect opens one envelope stream with the union subscribed in the same tick', async () => {
  const client = single({ params: { user: 'alice' } });
  client.subscribe({ channels: ['jobs', 'alerts'], handler() {} });
  client.subscribe({ channels: 'jobs', type: 'job_completed', handler() {} });
  await until(() => client.state === 'open', 'open');
  assert.equal(o.hub.sources.length, 1);
  const q = query(o.hub.sources[0]);
  assert.deepEqual(q.channels.split(',').sort(), ['alerts', 'jobs']);
  assert.equal(q.format, 'envelope');
  assert.equal(q.user, 'alice');
  assert.equal(q.lastEventId, undefined);
  assert.equal(o.hub.posts.length, 0);
});

test('delivers by channel and type with data and meta from the envelope', async () => {
  const client = single();
  const jobs = record(client, { channels: ['jobs'], type: 'job_completed' });
  const anyType = record(client, { channels: ['jobs'] });
  const alerts = record(client, { channels: ['alerts'], type: 'job_completed' });
  await until(() => client.state === 'open', 'open');
  const id = o.hub.publish('jobs', 'job_completed', { id: 42 });
  assert.deepEqual(jobs.received, [[{ id: 42 }, { type: 'job_completed', channel: 'jobs', id }]]);
  assert.equal(anyType.received.length, 1);
  assert.equal(alerts.received.length, 0);
});

test('subscriptions are reference-counted: a channel leaves the server with its last subscriber', async () => {
  const client = single();
  client.subscribe({ channels: ['jobs'], handler() {} });
  await until(() => client.state === 'open', 'open');
  const first = client.subscribe({ channels: ['jobs', 'alerts'], handler() {} });
  const second = client.subscribe({ channels: ['alerts'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'subscribe POST');
  assert.deepEqual(o.hub.posts[0].subscribe, ['alerts']);
  assert.deepEqual(o.hub.posts[0].unsubscribe, []);
  first();
  first(); // a second call does nothing
  await settle();
  assert.equal(o.hub.posts.length, 1, 'alerts still has a subscriber');
  second();
  await until(() => o.hub.posts.length === 2, 'unsubscribe POST');
  assert.deepEqual(o.hub.posts[1].subscribe, []);
  assert.deepEqual(o.hub.posts[1].unsubscribe, ['alerts']);
  assert.deepEqual([...o.hub.connectionOf(o.hub.sources[0]).channels], ['jobs']);
  assert.equal(o.hub.sources.length, 1, 'never reconnected');
});

test('changes of one tick are batched into one POST; mount+unmount in one tick sends nothing', async () => {
  const client = single();
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  client.subscribe({ channels: ['b'], handler() {} });
  client.subscribe({ channels: ['c'], handler() {} });
  client.subscribe({ channels: ['d'], handler() {} })(); // StrictMode-style mount and unmount
  await until(() => o.hub.posts.length === 1, 'POST');
  await settle();
  assert.equal(o.hub.posts.length, 1);
  assert.deepEqual(o.hub.posts[0].subscribe.sort(), ['b', 'c']);
});

test('changes made while a POST is in flight follow it in one more POST', async () => {
  const client = single();
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'first POST');
  client.subscribe({ channels: ['c'], handler() {} });
  client.subscribe({ channels: ['e'], handler() {} });
  await until(() => o.hub.posts.length === 2, 'second POST');
  await settle();
  assert.equal(o.hub.posts.length, 2);
  assert.deepEqual(o.hub.posts[1].subscribe.sort(), ['c', 'e']);
});

test('channels subscribed while the stream is connecting are POSTed once it is open', async () => {
  const client = single();
  client.subscribe({ channels: ['a'], handler() {} });
  await null; // the batch is flushed: the stream is created, not yet answered
  assert.equal(client.state, 'connecting');
  assert.equal(o.hub.sources.length, 1);
  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'POST after connected');
  assert.equal(query(o.hub.sources[0]).channels, 'a');
  assert.deepEqual(o.hub.posts[0].subscribe, ['b']);
});

test('POSTs carry the connection id, the params and the headers', async () => {
  const client = single({ params: { user: 'bob' }, headers: { 'X-User-Id': 'bob' } });
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'POST');
  const post = o.hub.posts[0];
  assert.equal(post.connectionId, o.hub.connectionOf(o.hub.sources[0]).id);
  assert.equal(new URL(post.url, 'http://test').searchParams.get('user'), 'bob');
  assert.equal(post.headers['X-User-Id'], 'bob');
  assert.equal(post.headers['Content-Type'], 'application/json');
});

test('a POST answered 503 is retried; one answered 400 is not', async (t) => {
  const client = single();
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  o.hub.postStatuses.push(503);
  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => o.hub.posts.length === 2, 'retried POST');
  assert.deepEqual([...o.hub.connectionOf(o.hub.sources[0]).channels].sort(), ['a', 'b']);

  const warn = t.mock.method(console, 'warn', () => {});
  o.hub.postStatuses.push(400);
  client.subscribe({ channels: ['c'], handler() {} });
  await until(() => o.hub.posts.length === 3, 'refused POST');
  await settle();
  assert.equal(o.hub.posts.length, 3);
  assert.equal(warn.mock.callCount(), 1);
});

test('a subscription without a type receives every type, even one nobody named', async () => {
  const client = single();
  const all = record(client, { channels: ['a'] });
  const jobs = record(client, { channels: ['a'], type: 'job' });
  await until(() => client.state === 'open', 'open');
  o.hub.publish('a', 'job', 1);
  const id = o.hub.publish('a', 'never_named', 2);
  o.hub.publish('b', 'never_named', 3); // another channel
  assert.deepEqual(all.received, [
    [1, { type: 'job', channel: 'a', id: all.received[0][1].id }],
    [2, { type: 'never_named', channel: 'a', id }],
  ]);
  assert.deepEqual(jobs.received.map(([d]) => d), [1]);
});

test('one message listener takes every published event: no listener per type, only the control events', async () => {
  const client = single();
  client.subscribe({ channels: ['a'], type: 'job', handler() {} });
  client.subscribe({ channels: ['a'], type: 'note', handler() {} });
  await until(() => client.state === 'open', 'open');
  assert.deepEqual(o.hub.sources[0].listenedTypes.sort(), [
    'connected', 'draining', 'evicted', 'heartbeat', 'message', 'reset', 'revoked', 'token_expired', 'token_expiring',
  ]);
});

test('heartbeats reach no subscriber, not even one to every type of every channel', async () => {
  const client = single();
  const all = record(client, { channels: ['all'] });
  await until(() => client.state === 'open', 'open');
  o.hub.heartbeat();
  o.hub.publish('x', 't', 1);
  assert.deepEqual(all.received.map(([d, m]) => [d, m.type]), [[1, 't']]);
});

test('channel "all" receives every channel', async () => {
  const client = single();
  const all = record(client, { channels: ['all'], type: 't' });
  await until(() => client.state === 'open', 'open');
  o.hub.publish('x', 't', 1);
  o.hub.publish('y', 't', 2);
  assert.deepEqual(all.received.map(([, m]) => m.channel), ['x', 'y']);
});

test('a handler that throws does not stop the others', async (t) => {
  const client = single();
  const reported = [];
  globalThis.reportError = (e) => reported.push(e); // as browsers have it
  t.after(() => delete globalThis.reportError);
  client.subscribe({ channels: ['a'], type: 't', handler: () => { throw new Error('boom'); } });
  const ok = record(client, { channels: ['a'], type: 't' });
  await until(() => client.state === 'open', 'open');
  o.hub.publish('a', 't', 1);
  assert.equal(ok.received.length, 1);
  assert.equal(reported[0].message, 'boom');
});

test('invalid names and missing handlers fail at the call', () => {
  const client = single();
  assert.throws(() => client.subscribe({ channels: ['a b'], handler() {} }), /invalid channel/);
  assert.throws(() => client.subscribe({ channels: [], handler() {} }), /at least one channel/);
  assert.throws(() => client.subscribe({ channels: ['a'], type: 'x\n', handler() {} }), /invalid type/);
  for (const type of ['connected', 'reset', 'evicted', 'heartbeat', 'message']) {
    assert.throws(() => client.subscribe({ channels: ['a'], type, handler() {} }), /reserved/, type);
  }
  assert.throws(() => client.subscribe({ channels: ['a'] }), /handler/);
});
