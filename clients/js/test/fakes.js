/**
 * Test doubles for the browser APIs the client uses, and a small in-memory ssemux server that
 * follows docs/PROTOCOL.md closely enough to test resume, subscriptions, reset and eviction.
 */

/** An in-memory server: `hub.EventSource` and `hub.fetch` talk to it. */
export class FakeHub {
  /** every EventSource ever created, in order */
  sources = [];
  /** bodies of POST /api/sse/subscriptions, in order (with the request's url and headers) */
  posts = [];
  /** status to answer the next POSTs with (shifted one per POST), else 200 */
  postStatuses = [];
  /** bodies of POST /api/sse/token, in order (with the request's url and headers) */
  tokenPosts = [];
  /** status to answer the next token refreshes with (shifted one per POST), else 200 */
  tokenStatuses = [];
  /** whether a stream's `token=` is good enough to open it (a refused one fails as with a 401) */
  acceptsToken = () => true;
  history = [];
  /** while true, streams created fail before they start (as with a 503) */
  down = false;
  /** what `connected` announces; the fake sends heartbeats only when told to ({@link heartbeat}) */
  heartbeatSeconds = 30;
  #nextId = 1000;
  #nextConnection = 1;
  #connections = new Map();

  constructor() {
    const hub = this;
    this.EventSource = class extends FakeEventSource {
      constructor(url, init) {
        super(url, init);
        hub.sources.push(this);
        const refused = hub.down || !hub.acceptsToken(new URL(url, 'http://test').searchParams.get('token'));
        setTimeout(() => hub.#accept(this, refused), 0);
      }
    };
    this.fetch = (url, init) => this.#fetch(url, init);
  }

  /** EventSources not closed (by the client or by the hub). */
  get open() {
    return this.sources.filter((s) => s.readyState !== FakeEventSource.CLOSED);
  }

  /** The connection of `source` (id and channels), once accepted. */
  connectionOf(source) {
    return [...this.#connections.values()].find((c) => c.source === source);
  }

  /** Publishes like `POST /api/sse/publish`; returns the event id. */
  publish(channel, type, data) {
    const event = { id: String(this.#nextId++), channel, type, data };
    this.history.push(event);
    for (const connection of this.#connections.values()) this.#send(connection, event);
    return event.id;
  }

  /** Ends `source`'s stream the way a server shutdown or slow-consumer drop does. */
  drop(source) {
    this.#close(source);
    if (source.readyState === FakeEventSource.CLOSED) return;
    source.readyState = FakeEventSource.CONNECTING; // the browser would retry on its own
    source.onerror?.({ type: 'error' });
  }

  /**
   * One heartbeat on every stream: a `heartbeat` event in the envelope format, a comment (which
   * an EventSource never shows) in the plain one.
   */
  heartbeat() {
    for (const { source, url } of this.#connections.values()) {
      if (url.searchParams.get('format') === 'envelope') source.dispatch('heartbeat', '{}');
    }
  }

  /** `token_expiring`: the stream's token expires soon. */
  expiring(source, expiresAt = '2030-01-01T00:00:00Z') {
    source.dispatch('token_expiring', JSON.stringify({ expiresAt }));
  }

  /** `token_expired`, then the stream ends. */
  expire(source, expiresAt = '2030-01-01T00:00:00Z') {
    source.dispatch('token_expired', JSON.stringify({ expiresAt }));
    this.drop(source);
  }

  /** A refreshed token grants fewer channels: they leave the stream and `revoked` says which. */
  revoke(source, channels) {
    const connection = this.connectionOf(source);
    channels.forEach((c) => connection.channels.delete(c));
    source.dispatch('revoked', JSON.stringify({ channels }));
  }

  /** `draining` (come back in `reconnectAfterMillis`), then the stream ends, as a node being deployed does. */
  drain(source, reconnectAfterMillis) {
    source.dispatch('draining', JSON.stringify({ reason: 'shutdown', reconnectAfterMillis }));
    this.drop(source);
  }

  /** Sends `evicted` then ends the stream. */
  evict(source) {
    source.dispatch('evicted', JSON.stringify({ reason: 'too_many_connections', limit: 6 }));
    this.drop(source);
  }

  #accept(source, refused) {
    if (source.readyState === FakeEventSource.CLOSED) return;
    if (refused) {
      source.readyState = FakeEventSource.CLOSED; // a browser gives up on a non-200 answer
      source.onerror?.({ type: 'error' });
      return;
    }
    const url = new URL(source.url, 'http://test');
    const channels = (url.searchParams.get('channels') ?? 'all').split(',').filter(Boolean);
    const connection = { id: `c${this.#nextConnection++}`, source, channels: new Set(channels), url };
    this.#connections.set(connection.id, connection);
    source.readyState = FakeEventSource.OPEN;
    const connected = { connectionId: connection.id, channels: [...channels].sort(), heartbeatSeconds: this.heartbeatSeconds };
    source.dispatch('connected', JSON.stringify(connected));
    const lastEventId = url.searchParams.get('lastEventId');
    if (lastEventId === null) return;
    const from = this.history.findIndex((e) => e.id === lastEventId);
    if (from === -1) {
      const newest = this.history.at(-1)?.id ?? '0';
      source.dispatch('reset', JSON.stringify({ reason: 'unknown_id', lastEventId }), newest);
      return;
    }
    for (const event of this.history.slice(from + 1)) this.#send(connection, event);
  }

  /** Envelope: an unnamed (`message`) event carrying channel, type and data. Plain: as published. */
  #send(connection, event) {
    const { channels, source, url } = connection;
    if (!channels.has(event.channel) && !channels.has('all')) return;
    if (url.searchParams.get('format') === 'envelope') {
      const envelope = { channel: event.channel, type: event.type, data: event.data };
      source.dispatch('message', JSON.stringify(envelope), event.id);
    } else {
      source.dispatch(event.type, JSON.stringify(event.data), event.id);
    }
  }

  #close(source) {
    for (const [id, connection] of this.#connections) {
      if (connection.source === source) this.#connections.delete(id);
    }
  }

  async #fetch(url, init) {
    await null;
    const { pathname } = new URL(url, 'http://test');
    if (pathname === '/api/sse/token' && init.method === 'POST') return this.#refresh(url, init);
    if (pathname !== '/api/sse/subscriptions' || init.method !== 'POST') return response(404, {});
    const body = JSON.parse(init.body);
    this.posts.push({ ...body, url, headers: init.headers });
    const status = this.postStatuses.shift() ?? 200;
    if (status !== 200) return response(status, { status });
    const connection = this.#connections.get(body.connectionId);
    if (!connection || connection.source.readyState === FakeEventSource.CLOSED) return response(404, { status: 404 });
    body.subscribe.forEach((c) => connection.channels.add(c));
    body.unsubscribe.forEach((c) => connection.channels.delete(c));
    return response(200, { connectionId: connection.id, channels: [...connection.channels] });
  }

  #refresh(url, init) {
    const body = JSON.parse(init.body);
    this.tokenPosts.push({ ...body, url, headers: init.headers });
    const status = this.tokenStatuses.shift() ?? 200;
    if (status !== 200) return response(status, { status });
    const connection = this.#connections.get(body.connectionId);
    if (!connection || connection.source.readyState === FakeEventSource.CLOSED) return response(404, { status: 404 });
    connection.token = init.headers.Authorization?.replace(/^Bearer /, '');
    return response(200, { connectionId: connection.id, channels: [...connection.channels].sort(), expiresAt: '2030-01-01T00:00:00Z' });
  }
}

function response(status, body) {
  return { ok: status >= 200 && status < 300, status, json: async () => body, text: async () => JSON.stringify(body) };
}

/**
 * EventSource as the client sees it: events go only to listeners of their name (`message` for
 * unnamed ones, also to `onmessage`), `lastEventId`, `onerror`, `close()`.
 */
export class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  readyState = FakeEventSource.CONNECTING;
  /** the last event id buffer: kept across events without `id:`, per the HTML spec */
  lastEventId = '';
  onerror = null;
  onmessage = null;
  #listeners = new Map();

  constructor(url, init = {}) {
    this.url = url;
    this.withCredentials = Boolean(init.withCredentials);
  }

  get listenedTypes() {
    return [...this.#listeners.keys()];
  }

  addEventListener(type, listener) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(listener);
  }

  removeEventListener(type, listener) {
    this.#listeners.get(type)?.delete(listener);
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
  }

  /** Delivers one SSE event (only to listeners of its name, as browsers do). */
  dispatch(type, data, id) {
    if (this.readyState === FakeEventSource.CLOSED) return;
    if (id !== undefined) this.lastEventId = id;
    const event = { type, data, lastEventId: this.lastEventId };
    if (type === 'message') this.onmessage?.(event);
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/**
 * A clock and timers that move only when told to: `env: {setTimeout, clearTimeout, now}` of a
 * client. `advance(ms)` runs, in time order, every timer due by then (timers they set included).
 */
export class ManualClock {
  #now = 0;
  #timers = new Map();
  #nextId = 1;

  now = () => this.#now;

  setTimeout = (fn, ms = 0) => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  /** Timers not yet run: their delays from now, in time order. */
  get pending() {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  advance(ms) {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= end).sort(([i, a], [j, b]) => a.at - b.at || i - j);
      if (due.length === 0) break;
      const [id, timer] = due[0];
      this.#timers.delete(id);
      this.#now = timer.at;
      timer.fn();
    }
    this.#now = end;
  }
}

/** BroadcastChannel of one origin: asynchronous, ordered, never back to the sender, cloned data. */
export class FakeBroadcastBus {
  #members = new Map();

  constructor() {
    const bus = this;
    this.BroadcastChannel = class {
      onmessage = null;
      #closed = false;

      constructor(name) {
        this.name = name;
        if (!bus.#members.has(name)) bus.#members.set(name, new Set());
        bus.#members.get(name).add(this);
      }

      postMessage(message) {
        if (this.#closed) throw new DOMException('BroadcastChannel is closed', 'InvalidStateError');
        for (const member of bus.#members.get(this.name)) {
          if (member === this) continue;
          const copy = structuredClone(message);
          setTimeout(() => member.onmessage?.({ data: copy }), 0);
        }
      }

      close() {
        this.#closed = true;
        bus.#members.get(this.name).delete(this);
      }
    };
  }
}

/** `navigator.locks` of one origin: exclusive locks, FIFO queues, `signal` to give up waiting. */
export class FakeLocks {
  #held = new Set();
  #queues = new Map();

  isHeld(name) {
    return this.#held.has(name);
  }

  request(name, options, callback) {
    if (typeof options === 'function') [options, callback] = [{}, options];
    return new Promise((resolve, reject) => {
      const request = { callback, resolve, reject };
      const { signal } = options;
      if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
      signal?.addEventListener('abort', () => {
        const queue = this.#queues.get(name) ?? [];
        const at = queue.indexOf(request);
        if (at === -1) return; // already granted: aborting no longer matters
        queue.splice(at, 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
      if (!this.#queues.has(name)) this.#queues.set(name, []);
      this.#queues.get(name).push(request);
      this.#grant(name);
    });
  }

  #grant(name) {
    const queue = this.#queues.get(name);
    if (this.#held.has(name) || !queue?.length) return;
    const request = queue.shift();
    this.#held.add(name);
    queueMicrotask(async () => {
      try {
        request.resolve(await request.callback({ name, mode: 'exclusive' }));
      } catch (error) {
        request.reject(error);
      } finally {
        this.#held.delete(name);
        this.#grant(name);
      }
    });
  }
}

/** Waits until `predicate()` is truthy, polling on the event loop; fails after `timeoutMs`. */
export async function until(predicate, what = 'condition', timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Lets every pending timer of 0 ms, microtask and message run (a few event-loop turns). */
export async function settle(turns = 5) {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
