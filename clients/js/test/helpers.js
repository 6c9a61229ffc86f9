import { SseMuxClient } from '../src/ssemux.js';
import { FakeBroadcastBus, FakeHub, FakeLocks } from './fakes.js';

/**
 * One browser origin: a server, the origin's locks and BroadcastChannels, and a factory of tabs
 * (clients) sharing them. Backoff is tiny so reconnects happen within a test.
 */
export function origin({ locks = true, broadcast = true } = {}) {
  const hub = new FakeHub();
  const lockManager = locks ? new FakeLocks() : undefined;
  const bus = broadcast ? new FakeBroadcastBus() : undefined;
  const tabs = [];
  return {
    hub,
    locks: lockManager,
    tab(options = {}) {
      const client = new SseMuxClient({
        backoff: { floorMs: 1, capMs: 4 },
        ...options,
        env: {
          EventSource: hub.EventSource,
          fetch: hub.fetch,
          locks: lockManager,
          BroadcastChannel: bus?.BroadcastChannel,
          ...options.env,
        },
      });
      tabs.push(client);
      return client;
    },
    /** Closes every tab so no timer outlives the test. */
    closeAll() {
      tabs.forEach((t) => t.close());
    },
  };
}

/** Subscribes and records what arrives: `[data, meta]` pairs. */
export function record(client, subscription) {
  const received = [];
  const off = client.subscribe({ ...subscription, handler: (data, meta) => received.push([data, meta]) });
  return { received, off };
}

/** The states a client goes through, from now on. */
export function states(client) {
  const seen = [];
  client.onState((s) => seen.push(s));
  return seen;
}

export function query(source) {
  return Object.fromEntries(new URL(source.url, 'http://test').searchParams);
}
