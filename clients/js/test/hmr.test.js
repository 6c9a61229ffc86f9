import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { getClient } from '../src/ssemux.js';
import { settle, until } from './fakes.js';
import { origin } from './helpers.js';

const REGISTRY = Symbol.for('ssemux.client');
let o;
afterEach(() => {
  for (const client of globalThis[REGISTRY]?.values() ?? []) client.close();
});

function options(url) {
  o = origin();
  return { url, env: { EventSource: o.hub.EventSource, fetch: o.hub.fetch, locks: o.locks, BroadcastChannel: undefined } };
}

test('getClient keeps one client per base URL on globalThis', () => {
  const a = getClient(options('http://example.test/'));
  assert.equal(getClient({ url: 'http://example.test' }), a, 'a trailing slash names the same server');
  assert.equal(globalThis[REGISTRY].get('http://example.test'), a);
  assert.notEqual(getClient({ url: 'http://other.test' }), a);
});

test('getClient refuses another identity for the same server instead of reusing the first', () => {
  const a = getClient({ ...options('http://example.test'), params: { user: 'alice' } });
  assert.equal(getClient({ url: 'http://example.test', params: { user: 'alice' } }), a, 'the same identity');
  assert.equal(getClient({ url: 'http://example.test' }), a, 'no identity given');
  assert.throws(() => getClient({ url: 'http://example.test', params: { user: 'bob' } }), /close\(\) it before/);
  a.close();
  assert.notEqual(getClient({ ...options('http://example.test'), params: { user: 'bob' } }), a);
});

test('a module evaluated again (hot reload) gets the same client and connection', async () => {
  const first = getClient(options(''));
  first.subscribe({ channels: ['a'], handler() {} });
  await until(() => first.state === 'open', 'open');
  const reloaded = await import(`../src/ssemux.js?reload=${Date.now()}`);
  assert.notEqual(reloaded.getClient, getClient, 'a new module instance');
  assert.equal(reloaded.getClient(), first);
  assert.equal(o.hub.sources.length, 1);
});

test('subscriptions released in import.meta.hot.dispose leave exactly one handler per module', async () => {
  const client = getClient(options(''));
  const received = [];
  /** What a hot-reloaded module does: subscribe at top level, release on dispose. */
  function evaluateModule(version) {
    const off = client.subscribe({ channels: ['jobs'], type: 'done', handler: (d) => received.push([version, d]) });
    return { dispose: off };
  }
  let module = evaluateModule(0);
  await until(() => client.state === 'open', 'open');
  for (let version = 1; version <= 5; version++) {
    module.dispose();
    module = evaluateModule(version);
  }
  await settle();
  assert.equal(o.hub.posts.length, 0, 'released and taken again in one tick: nothing sent');
  o.hub.publish('jobs', 'done', 'x');
  assert.deepEqual(received, [[5, 'x']]);
  assert.equal(o.hub.sources.length, 1);
});

test('close() removes the client from globalThis so the next getClient starts afresh', () => {
  const client = getClient(options(''));
  client.close();
  assert.equal(globalThis[REGISTRY].has(''), false);
  assert.notEqual(getClient(options('')), client);
});
