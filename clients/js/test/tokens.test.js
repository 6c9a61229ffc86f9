import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { getClient } from '../src/ssemux.js';
import { FakeEventSource, settle, until } from './fakes.js';
import { origin, query, record, states } from './helpers.js';

let o;
afterEach(() => o?.closeAll());

const channelsOf = (source) => [...(o.hub.connectionOf(source)?.channels ?? [])].sort();

/** A token function giving `t1`, `t2`, …: `calls` counts them, `fail` makes the next ones throw. */
function tokens(prefix = 't') {
  const source = async () => {
    source.calls++;
    if (source.fail) throw new Error('the identity provider is down');
    return `${prefix}${source.calls}`;
  };
  source.calls = 0;
  source.fail = false;
  return source;
}

function single(options) {
  o = origin();
  return o.tab({ shareTabs: false, ...options });
}

test('the token goes as token= on the stream URL and as Authorization: Bearer on subscription POSTs', async () => {
  const token = tokens();
  const client = single({ token, params: { tenant: 'acme' } });
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  assert.equal(query(o.hub.sources[0]).token, 't1');
  assert.equal(query(o.hub.sources[0]).tenant, 'acme');
  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'POST');
  assert.equal(o.hub.posts[0].headers.Authorization, 'Bearer t1');
  assert.equal(o.hub.posts[0].headers['Content-Type'], 'application/json');
  assert.doesNotMatch(o.hub.posts[0].url, /token/, 'a POST carries its token in a header only');
  assert.equal(token.calls, 1, 'one token per connection, not one per POST');
});

test('a token function is required to be a function', () => {
  assert.throws(() => single({ token: 'eyJ.static.token' }), /token must be a function/);
});

test('token_expiring: a fresh token is swapped into the live stream, which goes on', async () => {
  const token = tokens();
  const client = single({ token });
  const seen = states(client);
  const got = record(client, { channels: ['a'] });
  await until(() => client.state === 'open', 'open');
  const stream = o.hub.sources[0];
  o.hub.expiring(stream);
  await until(() => o.hub.tokenPosts.length === 1, 'POST /api/sse/token');
  const refresh = o.hub.tokenPosts[0];
  assert.equal(refresh.connectionId, o.hub.connectionOf(stream).id);
  assert.equal(refresh.headers.Authorization, 'Bearer t2', 'authenticated by the new token');
  assert.equal(refresh.headers['Content-Type'], 'application/json');
  assert.match(refresh.url, /\/api\/sse\/token$/);
  o.hub.publish('a', 't', 1);
  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'subscription POST');
  assert.equal(o.hub.posts[0].headers.Authorization, 'Bearer t2', 'later POSTs carry the fresh token');
  assert.deepEqual(got.received.map(([d]) => d), [1]);
  assert.equal(o.hub.sources.length, 1, 'no reconnect');
  assert.equal(stream.readyState, FakeEventSource.OPEN);
  assert.deepEqual(seen, ['connecting', 'open']);
});

test('token_expiring with a failing token function or a refused refresh leaves the stream to its expiry', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const token = tokens();
  const client = single({ token });
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  token.fail = true;
  o.hub.expiring(o.hub.sources[0]);
  await settle();
  assert.equal(o.hub.tokenPosts.length, 0);
  token.fail = false;
  o.hub.tokenStatuses.push(401);
  o.hub.expiring(o.hub.sources[0]);
  await until(() => o.hub.tokenPosts.length === 1, 'the refused refresh');
  await settle();
  assert.equal(client.state, 'open');
  assert.equal(o.hub.sources.length, 1);
  assert.equal(warn.mock.callCount(), 1);
  assert.match(warn.mock.calls[0].arguments.join(' '), /token refresh refused \(401\)/);
});

test('token_expiring: the same token again is not sent, and a warning repeated at once is not followed', async () => {
  let calls = 0;
  const cached = async () => (calls++, 'cached-token'); // a token function that stopped refreshing
  const client = single({ token: cached, backoff: { floorMs: 60_000, capMs: 60_000 } });
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  o.hub.expiring(o.hub.sources[0]);
  await until(() => calls === 2, 'the token asked for');
  await settle();
  assert.equal(o.hub.tokenPosts.length, 0, 'the stream\'s own token: nothing to swap');
  o.hub.expiring(o.hub.sources[0]);
  await settle();
  assert.equal(calls, 2, 'within the backoff floor of the last refresh: left to token_expired');
  assert.equal(o.hub.tokenPosts.length, 0);
});

test('token_expired: reconnects at once with a fresh token and lastEventId, and loses nothing', async () => {
  const token = tokens();
  // A backoff far longer than the test: the reconnect must not wait for it.
  const client = single({ token, backoff: { floorMs: 60_000, capMs: 60_000 } });
  const seen = states(client);
  const got = record(client, { channels: ['a'], type: 't' });
  await until(() => client.state === 'open', 'open');
  const last = o.hub.publish('a', 't', 1);
  o.hub.expire(o.hub.sources[0]);
  const missed = o.hub.publish('a', 't', 2);
  await until(() => o.hub.sources.length === 2 && client.state === 'open', 'reopened');
  const q = query(o.hub.sources[1]);
  assert.equal(q.token, 't2');
  assert.equal(q.lastEventId, last);
  assert.equal(q.channels, 'a');
  assert.deepEqual(got.received.map(([d, m]) => [d, m.id]), [[1, last], [2, missed]]);
  assert.deepEqual(seen, ['connecting', 'open', 'reconnecting', 'open']);
});

test('a token function that fails is retried with backoff, then the stream opens', async () => {
  const token = tokens();
  token.fail = true;
  const client = single({ token, backoff: { floorMs: 5, capMs: 5 } });
  const seen = states(client);
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => token.calls >= 3, 'retries');
  assert.equal(o.hub.sources.length, 0, 'no stream without a token');
  assert.equal(client.state, 'reconnecting');
  token.fail = false;
  await until(() => client.state === 'open', 'open');
  assert.equal(o.hub.sources.length, 1);
  assert.equal(query(o.hub.sources[0]).token, `t${token.calls}`);
  assert.deepEqual(seen, ['connecting', 'reconnecting', 'open']);
});

test('a stream refused for its token is retried with backoff and a new token', async () => {
  const token = tokens();
  o = origin();
  o.hub.acceptsToken = (t) => t !== 't1';
  const client = o.tab({ shareTabs: false, token });
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  assert.deepEqual(o.hub.sources.map((s) => query(s).token), ['t1', 't2']);
});

test('close() while the token function runs opens no stream', async () => {
  let give;
  const client = single({ token: () => new Promise((resolve) => (give = resolve)) });
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => give, 'the token asked for');
  client.close();
  give('late');
  await settle();
  assert.equal(o.hub.sources.length, 0);
  assert.equal(client.state, 'closed');
});

test('revoked: the channels leave the union, onRevoked says which, the others go on', async () => {
  const client = single({ token: tokens() });
  const revoked = [];
  client.onRevoked((info) => revoked.push(info));
  const a = record(client, { channels: ['a'] });
  const b = record(client, { channels: ['b'] });
  await until(() => client.state === 'open', 'open');
  o.hub.revoke(o.hub.sources[0], ['b']);
  assert.deepEqual(revoked, [{ channels: ['b'] }]);
  client.subscribe({ channels: ['c'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'POST');
  assert.deepEqual(o.hub.posts[0].subscribe, ['c'], 'b is not asked for again');
  assert.deepEqual(o.hub.posts[0].unsubscribe, []);
  o.hub.publish('a', 't', 1);
  assert.deepEqual(a.received.map(([d]) => d), [1]);
  assert.deepEqual(b.received, []);

  o.hub.drop(o.hub.sources[0]);
  await until(() => o.hub.sources.length === 2 && client.state === 'open', 'reconnected');
  assert.deepEqual(query(o.hub.sources[1]).channels.split(',').sort(), ['a', 'c'], 'nor on a reconnect');

  client.subscribe({ channels: ['b'], handler() {} });
  await until(() => channelsOf(o.hub.sources[1]).includes('b'), 'a new subscription asks again');
});

test('one token flow across tabs: only the leader calls its token function and refreshes', async () => {
  o = origin();
  const leaderTokens = tokens('leader-');
  const followerTokens = tokens('follower-');
  const leader = o.tab({ token: leaderTokens });
  const follower = o.tab({ token: followerTokens });
  record(leader, { channels: ['a'] });
  await until(() => leader.state === 'open', 'leader open');
  const got = record(follower, { channels: ['b'] });
  await until(() => channelsOf(o.hub.sources[0]).includes('b'), 'the follower\'s channel on the leader\'s stream');
  assert.equal(o.hub.posts[0].headers.Authorization, 'Bearer leader-1');

  o.hub.expiring(o.hub.sources[0]);
  await until(() => o.hub.tokenPosts.length === 1, 'refresh');
  assert.equal(o.hub.tokenPosts[0].headers.Authorization, 'Bearer leader-2');
  o.hub.expire(o.hub.sources[0]);
  await until(() => o.hub.sources.length === 2 && leader.state === 'open', 'reconnected');
  assert.equal(query(o.hub.sources[1]).token, 'leader-3');
  o.hub.publish('b', 't', 1);
  await until(() => got.received.length === 1, 'relayed');
  assert.equal(followerTokens.calls, 0, 'a follower never asks for a token');

  leader.close();
  await until(() => follower.isLeader && follower.state === 'open', 'the follower leads');
  assert.equal(query(o.hub.sources.at(-1)).token, 'follower-1');
  assert.equal(leaderTokens.calls, 3);
});

test('revoked reaches every tab, and no tab asks for the channel again', async () => {
  o = origin();
  const leader = o.tab({ token: tokens() });
  const follower = o.tab({ token: tokens() });
  record(leader, { channels: ['a'] });
  await until(() => leader.state === 'open', 'leader open');
  const heard = [];
  follower.onRevoked((info) => heard.push(info));
  record(follower, { channels: ['b'] });
  await until(() => channelsOf(o.hub.sources[0]).includes('b'), 'b on the stream');
  const before = o.hub.posts.length;
  o.hub.revoke(o.hub.sources[0], ['b']);
  await until(() => heard.length === 1, 'the follower hears it');
  assert.deepEqual(heard, [{ channels: ['b'] }]);
  record(leader, { channels: ['c'] });
  await until(() => channelsOf(o.hub.sources[0]).includes('c'), 'c subscribed');
  await settle();
  assert.deepEqual(channelsOf(o.hub.sources[0]), ['a', 'c']);
  assert.ok(o.hub.posts.slice(before).every((p) => !p.subscribe.includes('b')), 'b never asked for again');
});

test('a token is never logged: not on refusals, not in errors', async (t) => {
  const logged = [];
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    t.mock.method(console, level, (...args) => logged.push(args.map(String).join(' ')));
  }
  const token = tokens('secret-token-');
  const client = single({ token });
  client.subscribe({ channels: ['a'], handler() {} });
  await until(() => client.state === 'open', 'open');
  o.hub.postStatuses.push(403);
  client.subscribe({ channels: ['forbidden'], handler() {} });
  await until(() => o.hub.posts.length === 1, 'the refused POST');
  o.hub.tokenStatuses.push(401);
  o.hub.expiring(o.hub.sources[0]);
  await until(() => o.hub.tokenPosts.length === 1, 'the refused refresh');
  await settle();
  assert.ok(logged.length >= 2, `the refusals are reported: ${logged}`);
  assert.ok(logged.every((line) => !line.includes('secret-token')), `no token in: ${logged}`);
});

test('getClient: a token function is kept by the first call, later calls get the same client', () => {
  const url = 'http://tokens.example';
  const first = getClient({ url, token: tokens(), shareTabs: false, env: { EventSource: class {}, fetch() {} } });
  try {
    assert.equal(getClient({ url }), first);
    assert.equal(getClient({ url, token: tokens() }), first, 'a module evaluated again brings a new function');
  } finally {
    first.close();
  }
});
