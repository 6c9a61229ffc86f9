import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { FakeEventSource, settle, until } from './fakes.js';
import { origin, query, record, states } from './helpers.js';

let o;
afterEach(() => o.closeAll());

const channelsOf = (source) => [...(o.hub.connectionOf(source)?.channels ?? [])].sort();

/** Three tabs subscribed to jobs, alerts and news; the first is the leader once open. */
async function threeTabs() {
  o = origin();
  const tabs = [o.tab(), o.tab(), o.tab()];
  const got = [
    record(tabs[0], { channels: ['jobs'], type: 't' }),
    record(tabs[1], { channels: ['alerts'], type: 't' }),
    record(tabs[2], { channels: ['news', 'jobs'], type: 't' }),
  ];
  await until(() => tabs.every((t) => t.state === 'open'), 'every tab open');
  await until(() => channelsOf(o.hub.open[0]).length === 3, 'union on the server');
  return { tabs, got };
}

test('tabs elect one leader that holds the only connection, with the union of their channels', async () => {
  const { tabs } = await threeTabs();
  assert.equal(o.hub.sources.length, 1);
  assert.deepEqual(tabs.map((t) => t.isLeader), [true, false, false]);
  assert.deepEqual(channelsOf(o.hub.sources[0]), ['alerts', 'jobs', 'news']);
});

test('the leader relays events to the other tabs, each delivering to its own subscribers', async () => {
  const { got } = await threeTabs();
  const jobId = o.hub.publish('jobs', 't', { n: 1 });
  o.hub.publish('alerts', 't', { n: 2 });
  o.hub.publish('news', 't', { n: 3 });
  await until(() => got[2].received.length === 2, 'relayed events');
  assert.deepEqual(got[0].received, [[{ n: 1 }, { type: 't', channel: 'jobs', id: jobId }]]);
  assert.deepEqual(got[1].received.map(([d]) => d), [{ n: 2 }]);
  assert.deepEqual(got[2].received.map(([d]) => d), [{ n: 1 }, { n: 3 }]);
});

test('a follower that subscribes or unsubscribes changes the live connection, no reconnect', async () => {
  const { tabs, got } = await threeTabs();
  const extra = record(tabs[1], { channels: ['billing'], type: 'invoice' });
  await until(() => channelsOf(o.hub.sources[0]).includes('billing'), 'billing subscribed');
  o.hub.publish('billing', 'invoice', 7);
  await until(() => extra.received.length === 1, 'a type only a follower names');
  got[1].off();
  extra.off();
  await until(() => !channelsOf(o.hub.sources[0]).includes('alerts'), 'alerts dropped');
  assert.deepEqual(channelsOf(o.hub.sources[0]), ['jobs', 'news']);
  assert.equal(o.hub.sources.length, 1);
});

test('a follower subscribed without a type gets, relayed, a type no tab named', async () => {
  const { tabs } = await threeTabs();
  const everything = record(tabs[2], { channels: ['news'] });
  await settle();
  const id = o.hub.publish('news', 'surprise', { n: 9 });
  await until(() => everything.received.length === 1, 'relayed');
  assert.deepEqual(everything.received, [[{ n: 9 }, { type: 'surprise', channel: 'news', id }]]);
  assert.equal(o.hub.sources.length, 1);
});

test('a closed follower tab has its channels dropped', async () => {
  const { tabs } = await threeTabs();
  tabs[2].close();
  await until(() => !channelsOf(o.hub.sources[0]).includes('news'), 'news dropped');
  assert.deepEqual(channelsOf(o.hub.sources[0]), ['alerts', 'jobs']);
});

test('when the leader closes another tab takes over and resumes after the last relayed event', async () => {
  const { tabs, got } = await threeTabs();
  const before = o.hub.publish('alerts', 't', 'before');
  await until(() => got[1].received.length === 1, 'relayed');
  tabs[0].close();
  // Published while no tab holds a connection:
  o.hub.publish('alerts', 't', 'meanwhile-1');
  o.hub.publish('news', 't', 'meanwhile-2');
  await until(() => o.hub.open.length === 1, 'a new connection');
  const [source] = o.hub.open;
  assert.equal(query(source).lastEventId, before);
  assert.equal(tabs.filter((t) => t.isLeader).length, 1);
  await until(() => got[2].received.length === 1 && got[1].received.length === 2, 'replayed');
  o.hub.publish('jobs', 't', 'after');
  await until(() => got[2].received.length === 2, 'live again');
  assert.deepEqual(got[1].received.map(([d]) => d), ['before', 'meanwhile-1']);
  assert.deepEqual(got[2].received.map(([d]) => d), ['meanwhile-2', 'after']);
  assert.equal(o.hub.sources.length, 2);
  assert.ok(tabs.slice(1).every((t) => t.state === 'open'));
});

test('the new leader drops the channels only the old leader wanted', async () => {
  o = origin();
  const leader = o.tab();
  const follower = o.tab();
  leader.subscribe({ channels: ['mine'], handler() {} });
  follower.subscribe({ channels: ['yours'], handler() {} });
  await until(() => o.hub.open.length === 1 && channelsOf(o.hub.open[0]).length === 2, 'both channels');
  leader.close();
  await until(() => o.hub.open.length === 1 && follower.isLeader, 'takeover');
  await until(() => channelsOf(o.hub.open[0]).join() === 'yours', 'old leader channels gone');
});

test('state, reset and evicted reach every tab', async () => {
  const { tabs, got } = await threeTabs();
  const resets = [];
  tabs[2].onReset((info) => resets.push(info));
  const seen = states(tabs[2]);
  o.hub.publish('news', 't', 1);
  await until(() => got[2].received.length === 1, 'relayed');
  o.hub.history.length = 0; // the server restarted: it knows no id
  o.hub.publish('x', 't', 0);
  o.hub.drop(o.hub.sources[0]);
  await until(() => resets.length === 1, 'reset relayed');
  assert.equal(resets[0].reason, 'unknown_id');
  o.hub.evict(o.hub.open[0]);
  await until(() => tabs.every((t) => t.state === 'evicted'), 'evicted everywhere');
  assert.deepEqual(seen, ['reconnecting', 'open', 'evicted']);
  tabs[0].close(); // even a new leader does not reconnect after an eviction
  await until(() => tabs[1].isLeader, 'new leader');
  await settle(20);
  assert.equal(o.hub.open.length, 0);
});

test('a tab opened later learns the state and the cursor from the leader', async () => {
  const { tabs } = await threeTabs();
  const id = o.hub.publish('jobs', 't', 1);
  const late = o.tab();
  await until(() => late.state === 'open', 'late tab open');
  late.subscribe({ channels: ['late'], handler() {} });
  await until(() => channelsOf(o.hub.sources[0]).includes('late'), 'late channel');
  tabs.forEach((t) => t.close());
  await until(() => late.isLeader && o.hub.open.length === 1, 'late tab leads');
  assert.equal(query(o.hub.open[0]).lastEventId, id);
  // It may open with closed tabs' channels still listed; they go as their locks are released.
  await until(() => channelsOf(o.hub.open[0]).join() === 'late', 'only the late channel');
});

test('without Web Locks each tab has its own connection', async () => {
  o = origin({ locks: false });
  const tabs = [o.tab(), o.tab()];
  tabs.forEach((t) => t.subscribe({ channels: ['a'], handler() {} }));
  await until(() => tabs.every((t) => t.state === 'open'), 'open');
  assert.equal(o.hub.sources.length, 2);
  assert.ok(tabs.every((t) => t.isLeader));
});

test('without BroadcastChannel each tab has its own connection and takes no lock', async () => {
  o = origin({ broadcast: false });
  const tabs = [o.tab(), o.tab()];
  tabs.forEach((t) => t.subscribe({ channels: ['a'], handler() {} }));
  await until(() => tabs.every((t) => t.state === 'open'), 'open');
  assert.equal(o.hub.sources.length, 2);
  assert.equal(o.hub.sources.filter((s) => s.readyState === FakeEventSource.OPEN).length, 2);
});

test('a tab of the previous client version (other wire format) does not lead this version\'s tabs', async () => {
  o = origin();
  // The first client named its group 'ssemux:<url>?<params>'; an old tab holds its leader lock.
  o.locks.request('ssemux:?', () => new Promise(() => {}));
  await settle();
  assert.ok(o.locks.isHeld('ssemux:?'));
  const tab = o.tab();
  tab.subscribe({ channels: ['a'], handler() {} });
  await until(() => tab.state === 'open', 'open');
  assert.ok(tab.isLeader);
  assert.equal(o.hub.sources.length, 1);
});

test('tabs of different users do not share a connection', async () => {
  o = origin();
  const alice = o.tab({ params: { user: 'alice' } });
  const bob = o.tab({ params: { user: 'bob' } });
  alice.subscribe({ channels: ['a'], handler() {} });
  bob.subscribe({ channels: ['a'], handler() {} });
  await until(() => alice.state === 'open' && bob.state === 'open', 'open');
  assert.deepEqual(o.hub.sources.map((s) => query(s).user).sort(), ['alice', 'bob']);
});
