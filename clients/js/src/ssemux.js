/**
 * ssemux browser client: one Server-Sent Events connection per browser, multiplexed by channel.
 *
 * This file has no imports so the server can serve it as-is at `/ssemux.js`.
 *
 * - Subscriptions are reference-counted; the union of every subscriber's channels is kept on the
 *   live connection through `POST /api/sse/subscriptions` (no reconnect on mount/unmount).
 * - Tabs of one origin elect a leader with Web Locks; only the leader holds the EventSource and
 *   relays events to the other tabs over BroadcastChannel.
 * - The stream uses `format=envelope`: every published event arrives as an unnamed (`message`)
 *   event whose data says its channel and type, so one listener gets every type.
 * - The browser's own EventSource retry is replaced by exponential backoff with full jitter and
 *   an explicit `lastEventId`, so a reconnect (or a new leader) resumes without losing events.
 * - A stream that stays silent (not even a `heartbeat` event) for a few heartbeat intervals is
 *   taken for dead and replaced the same way.
 * - With a `token` function, the leader asks it for a token before each connect (sent as `token=`
 *   on the stream URL, since EventSource cannot set headers) and on `token_expiring` (swapped
 *   into the live stream by `POST /api/sse/token`); every POST carries `Authorization: Bearer`.
 *   A stream closed by `token_expired` is reopened at once. Tokens are never logged.
 *
 * See README.md for usage and docs/PROTOCOL.md (repository root) for the wire contract.
 */

/** Key of the client registry on `globalThis`, so a module evaluated again (HMR) reuses the connection. */
const REGISTRY = Symbol.for('ssemux.client');

/**
 * Part of the tab group's name: tabs running different versions of this file (one reloaded after
 * a deploy, one not) must not share a connection, as their relay messages and the stream format
 * they expect may differ. Bump it with any such change.
 */
const GROUP_VERSION = 'v3';

/** Event types the server reserves for itself: control events, never handed to subscribers. */
const RESERVED_TYPES = [
  'connected', 'reset', 'evicted', 'heartbeat', 'message', 'token_expiring', 'token_expired', 'revoked', 'draining',
];

/** Channel names and event types: the server's grammar, checked early so a typo fails at the call. */
const NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry): full jitter above a floor.
 * Uniform in [floorMs, min(capMs, floorMs * 2^(attempt+1))], so clients dropped together by a
 * server restart spread out instead of coming back in lockstep.
 *
 * @param {number} attempt
 * @param {{floorMs: number, capMs: number}} backoff
 * @param {() => number} [random] uniform in [0, 1)
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, { floorMs, capMs }, random = Math.random) {
  const ceiling = Math.max(floorMs, Math.min(capMs, floorMs * 2 ** (attempt + 1)));
  return floorMs + random() * (ceiling - floorMs);
}

/**
 * The shared client for `options.url` (base URL of the server, default same origin). It lives on
 * `globalThis[Symbol.for('ssemux.client')]`, so every caller, and a module re-evaluated by hot
 * module reload, gets the same instance and the same connection. The options of the first call
 * win; later calls may pass only `{url}` (or nothing for the same origin), or the same identity
 * (`params`, `headers`, `withCredentials`): another identity throws rather than silently handing
 * back a client that speaks for someone else — `close()` the first one to switch users. A `token`
 * function is not compared (a module evaluated again makes a new one): the first one is kept.
 *
 * @param {object} [options] see {@link SseMuxClient}
 * @returns {SseMuxClient}
 */
export function getClient(options = {}) {
  const clients = (globalThis[REGISTRY] ??= new Map());
  const key = baseUrl(options.url);
  let client = clients.get(key);
  if (!client) {
    client = new SseMuxClient(options);
    clients.set(key, client);
    client[IDENTITY] = identity(options);
  } else if (hasIdentity(options) && identity(options) !== client[IDENTITY]) {
    throw new Error(`ssemux: the client for '${key || 'this origin'}' already exists with other params, headers `
      + 'or withCredentials; close() it before asking for another identity');
  }
  return client;
}

const IDENTITY = Symbol('ssemux.identity');

function hasIdentity({ params, headers, withCredentials }) {
  return params !== undefined || headers !== undefined || withCredentials !== undefined;
}

/** The options that decide whom a client speaks for, in a canonical text. */
function identity({ params = {}, headers = {}, withCredentials = false }) {
  const sorted = (record) => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([sorted(params), sorted(headers), Boolean(withCredentials)]);
}

/**
 * One logical connection to an ssemux server, shared by every subscriber of the page and, when
 * Web Locks and BroadcastChannel exist, by every tab of the origin. Prefer {@link getClient}.
 */
export class SseMuxClient {
  /**
   * @param {object} [options]
   * @param {string} [options.url] base URL of the server ('' = same origin)
   * @param {Record<string, string>} [options.params] query parameters added to every request,
   *   e.g. `{user: 'alice'}` for the development authenticator (EventSource cannot send headers)
   * @param {Record<string, string>} [options.headers] headers added to fetch calls
   * @param {boolean} [options.withCredentials] send cookies cross-origin
   * @param {() => Promise<string> | string} [options.token] gives a token (a JWT) for the server:
   *   called by the leader tab only, before each connect and when the server says the stream's
   *   token expires soon; sent as `token=` on the stream URL and `Authorization: Bearer` on POSTs
   * @param {{floorMs?: number, capMs?: number}} [options.backoff] reconnect delays (1000 / 30000)
   * @param {number} [options.deadAfterHeartbeats] a stream with no event at all (heartbeats
   *   included) for this many heartbeat intervals is closed and reopened (default 3; 0: never)
   * @param {boolean} [options.shareTabs] false: one connection per tab (default true)
   * @param {object} [options.env] replaces browser globals (`EventSource`, `fetch`,
   *   `BroadcastChannel`, `locks`, `random`, `setTimeout`, `clearTimeout`, `now`): for tests and
   *   other runtimes
   */
  constructor(options = {}) {
    this.#url = baseUrl(options.url);
    this.#params = { ...options.params };
    this.#headers = { ...options.headers };
    this.#withCredentials = Boolean(options.withCredentials);
    if (options.token !== undefined && typeof options.token !== 'function') {
      throw new TypeError('ssemux: token must be a function returning a token (or a promise of one)');
    }
    this.#tokenSource = options.token ?? null;
    this.#backoff = { floorMs: 1000, capMs: 30000, ...options.backoff };
    this.#deadAfterHeartbeats = options.deadAfterHeartbeats ?? 3;
    this.#env = {
      EventSource: globalThis.EventSource,
      fetch: globalThis.fetch?.bind(globalThis),
      BroadcastChannel: globalThis.BroadcastChannel,
      locks: globalThis.navigator?.locks,
      random: Math.random,
      // Looked up on each call, so a test that replaces the global sees every timer.
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (id) => globalThis.clearTimeout(id),
      now: () => Date.now(),
      ...options.env,
    };
    const { locks, BroadcastChannel } = this.#env;
    if (options.shareTabs !== false && locks && BroadcastChannel) {
      this.#joinTabs(`ssemux:${GROUP_VERSION}:${this.#url}?${new URLSearchParams(this.#params)}`);
    } else {
      this.#isLeader = true;
    }
  }

  /** Connection state: `closed`, `connecting`, `open`, `reconnecting` or `evicted`. */
  get state() {
    return this.#state;
  }

  /** Whether this tab holds the connection (true without tab sharing, until `close()`). */
  get isLeader() {
    return this.#isLeader;
  }

  /**
   * Receives the events of `type` (every type, named anywhere or not, when omitted) on any of
   * `channels`. Changes are batched in a microtask and applied to the live connection; the first
   * subscription opens it.
   *
   * @param {{channels: string[] | string, type?: string,
   *   handler: (data: unknown, meta: {type: string, channel: string, id: string}) => void}} subscription
   * @returns {() => void} unsubscribe; calling it again does nothing
   */
  subscribe({ channels, type, handler }) {
    const list = [...new Set([].concat(channels))].map((c) => checkName(c, 'channel'));
    if (list.length === 0) throw new TypeError('ssemux: subscribe needs at least one channel');
    if (type !== undefined) checkName(type, 'type');
    if (typeof handler !== 'function') throw new TypeError('ssemux: handler must be a function');
    const sub = { channels: new Set(list), type, handler };
    list.forEach((c) => this.#revoked.delete(c));
    this.#subs.add(sub);
    this.#count(list, +1);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.#subs.delete(sub);
      this.#count(list, -1);
    };
  }

  /**
   * Calls `listener(state)` on every state change.
   * @returns {() => void} unsubscribe
   */
  onState = (listener) => addListener(this.#stateListeners, listener);

  /**
   * Calls `listener({reason, lastEventId})` when the server could not resume (`reset` event):
   * events may have been missed, so the application must reload its state.
   * @returns {() => void} unsubscribe
   */
  onReset = (listener) => addListener(this.#resetListeners, listener);

  /**
   * Calls `listener({channels})` when the server stopped carrying `channels` because a refreshed
   * token no longer grants them (`revoked` event). Every tab hears it. Those channels are dropped
   * from what the client asks for, so their subscribers get nothing more from them; a later
   * `subscribe()` naming one asks for it again.
   * @returns {() => void} unsubscribe
   */
  onRevoked = (listener) => addListener(this.#revokedListeners, listener);

  /** Closes the connection for good and leaves the tab group (another tab takes over). */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#dropStream();
    this.#env.clearTimeout(this.#retryTimer);
    this.#env.clearTimeout(this.#postRetryTimer);
    this.#abort?.abort();
    this.#releaseLocks?.();
    this.#bus?.close();
    this.#bus = null; // the group must not hear 'closed': the next leader carries on
    this.#isLeader = false;
    this.#setState('closed');
    const clients = globalThis[REGISTRY];
    if (clients?.get(this.#url) === this) clients.delete(this.#url);
  }

  // ---- configuration -------------------------------------------------------------------------
  #url;
  #params;
  #headers;
  #withCredentials;
  /** the application's token function, or null */
  #tokenSource;
  #backoff;
  #deadAfterHeartbeats;
  #env;

  // ---- this tab's subscribers ----------------------------------------------------------------
  #subs = new Set();
  /** channel -> number of subscriptions of this tab naming it */
  #channelRefs = new Map();
  /** channels the server revoked: left out of what this tab asks for until subscribed again */
  #revoked = new Set();
  #flushQueued = false;

  // ---- state ---------------------------------------------------------------------------------
  #state = 'closed';
  #closed = false;
  #stateListeners = new Set();
  #resetListeners = new Set();
  #revokedListeners = new Set();
  /** id of the last event seen (received or relayed): where a reconnect or a new leader resumes */
  #lastEventId = null;

  // ---- tab group -----------------------------------------------------------------------------
  #isLeader = false;
  #tabId = randomId();
  #bus = null;
  #lockName = '';
  /** other tabs: tabId -> {channels: string[]} */
  #peers = new Map();
  #abort = null;
  #releaseLocks = null;

  // ---- the connection (leader only) ----------------------------------------------------------
  #source = null;
  /** a connect waiting for the token function */
  #opening = false;
  /** the token of the live connection (leader only; never logged, never sent to other tabs) */
  #token = null;
  /** a `POST /api/sse/token` under way */
  #refreshing = false;
  /** `now()` when the last refresh ended */
  #refreshedAt = -Infinity;
  #connectionId = null;
  /** channels the server has for the live connection, as it last told us */
  #serverChannels = null;
  #posting = false;
  #attempt = 0;
  #retryTimer = undefined;
  #postRetryTimer = undefined;
  #postAttempt = 0;
  /** `now()` when the stream last delivered anything (an event, a heartbeat, a control event) */
  #lastActivity = 0;
  /** checks for a silent stream; ms of silence that mean dead (0: no check) */
  #watchdog = undefined;
  #deadAfterMs = 0;

  #count(channels, delta) {
    for (const c of channels) bump(this.#channelRefs, c, delta);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => {
        this.#flushQueued = false;
        this.#flush();
      });
    }
  }

  /** Applies the batched subscription changes: to the connection (leader) or to the leader. */
  #flush() {
    if (this.#closed) return;
    if (this.#bus) this.#announce();
    if (this.#isLeader) this.#sync();
  }

  /**
   * The channels of every tab of the group. Types play no part: the envelope stream carries
   * every type of a channel, and each tab filters for its own subscribers.
   */
  #wantedChannels() {
    const channels = new Set(this.#ownChannels());
    for (const peer of this.#peers.values()) peer.channels.forEach((c) => channels.add(c));
    return channels;
  }

  /** The channels this tab's subscribers name, less those the server revoked. */
  #ownChannels() {
    return [...this.#channelRefs.keys()].filter((c) => !this.#revoked.has(c));
  }

  // ---- the connection ------------------------------------------------------------------------

  /** Leader: brings the connection in line with what the group wants. */
  #sync() {
    if (this.#closed || this.#state === 'evicted' || this.#retryTimer !== undefined) return;
    const wanted = this.#wantedChannels();
    if (!this.#source) {
      // Lazily: a page with nothing subscribed holds no connection (nor a slot of the user's cap).
      if (wanted.size > 0 && !this.#opening) this.#connect();
      return;
    }
    if (this.#connectionId && this.#serverChannels && !this.#posting) {
      const subscribe = [...wanted].filter((c) => !this.#serverChannels.has(c));
      const unsubscribe = [...this.#serverChannels].filter((c) => !wanted.has(c));
      if (subscribe.length || unsubscribe.length) this.#post(subscribe, unsubscribe);
    }
  }

  /** Opens the stream; with a token function, once it gave a token (a failure retries with backoff). */
  #connect() {
    this.#setState(this.#state === 'open' || this.#state === 'reconnecting' ? 'reconnecting' : 'connecting');
    if (!this.#tokenSource) {
      this.#open(this.#wantedChannels(), null);
      return;
    }
    this.#opening = true;
    this.#freshToken().then(
      (token) => {
        this.#opening = false;
        if (this.#closed || this.#state === 'evicted' || this.#source) return;
        const wanted = this.#wantedChannels();
        if (wanted.size === 0) this.#setState('closed');
        else this.#open(wanted, token);
      },
      () => {
        this.#opening = false;
        this.#retryLater();
      },
    );
  }

  /** Asks the application's token function for a token. */
  async #freshToken() {
    const token = await this.#tokenSource();
    if (typeof token !== 'string' || token === '') throw new TypeError('ssemux: the token function gave no token');
    return token;
  }

  #open(channels, token) {
    const query = new URLSearchParams(this.#params);
    query.set('channels', [...channels].join(','));
    query.set('format', 'envelope');
    if (this.#lastEventId !== null) query.set('lastEventId', this.#lastEventId);
    if (token !== null) query.set('token', token);
    this.#token = token;
    const source = new this.#env.EventSource(`${this.#url}/api/sse/stream?${query}`, {
      withCredentials: this.#withCredentials,
    });
    this.#source = source;
    const on = (type, listener) =>
      source.addEventListener(type, (e) => {
        this.#lastActivity = this.#env.now();
        listener(e);
      });
    on('connected', (e) => this.#onConnected(e));
    // Every published event: unnamed in the envelope format, its type is in its data.
    on('message', (e) => this.#onEvent(e));
    on('heartbeat', () => {}); // only proves the stream is alive
    on('reset', (e) => this.#onReset(e));
    on('evicted', () => this.#onEvicted());
    on('token_expiring', () => this.#refreshToken(source));
    on('token_expired', () => this.#onTokenExpired(source));
    on('revoked', (e) => this.#onRevoked(e));
    on('draining', (e) => this.#onDraining(source, e));
    // The browser would retry on its own, without our backoff and without lastEventId in the URL.
    source.onerror = () => this.#onDrop(source);
  }

  #onConnected(e) {
    const info = JSON.parse(e.data);
    this.#connectionId = info.connectionId;
    this.#serverChannels = new Set(info.channels);
    this.#attempt = 0;
    this.#watch(info.heartbeatSeconds);
    this.#setState('open');
    this.#sync();
  }

  #onEvent(e) {
    if (e.lastEventId) this.#lastEventId = e.lastEventId;
    const { channel, type, data } = JSON.parse(e.data);
    const event = { type, channel, id: e.lastEventId, data };
    this.#deliver(event);
    this.#broadcast({ k: 'event', event });
  }

  /**
   * Starts the check for a dead stream: a TCP connection that died without a FIN (a laptop that
   * slept, a NAT that forgot it) gives the browser no error, just silence. The server sends a
   * `heartbeat` event every `heartbeatSeconds`; a stream silent for `deadAfterHeartbeats` of them
   * is dropped like one that failed. The timer compares clock times rather than being reset on
   * every event, so a busy stream costs one clock read per event, and a timer that a background
   * tab fires late still measures the real silence.
   */
  #watch(heartbeatSeconds) {
    this.#env.clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    const limit = Number(heartbeatSeconds) * 1000 * this.#deadAfterHeartbeats;
    this.#deadAfterMs = Number.isFinite(limit) && limit > 0 ? limit : 0;
    if (this.#deadAfterMs > 0) this.#checkAlive(this.#source);
  }

  #checkAlive(source) {
    if (source !== this.#source) return;
    const silence = this.#env.now() - this.#lastActivity;
    if (silence >= this.#deadAfterMs) {
      this.#onDrop(source);
      return;
    }
    // Capped: browsers fire a timer of more than 2^31-1 ms at once.
    const wait = Math.min(this.#deadAfterMs - silence, 2 ** 31 - 1);
    this.#watchdog = this.#env.setTimeout(() => this.#checkAlive(source), wait);
  }

  #onReset(e) {
    this.#lastEventId = e.lastEventId || this.#lastEventId;
    const info = JSON.parse(e.data);
    this.#emitReset(info);
    this.#broadcast({ k: 'reset', info, lastEventId: this.#lastEventId });
  }

  #onEvicted() {
    this.#dropStream();
    this.#setState('evicted');
  }

  /**
   * The server is draining for a restart: it ends the stream and says when to come back (a random
   * delay, so that its clients do not all reconnect in the same second). Not a failure: the
   * backoff starts over, and the reconnect goes to whichever node takes it.
   */
  #onDraining(source, e) {
    if (source !== this.#source) return;
    let delay = 0;
    try {
      delay = Math.max(0, Number(JSON.parse(e.data).reconnectAfterMillis) || 0);
    } catch {
      // Malformed: reconnect at once, as after any end.
    }
    this.#dropStream();
    this.#attempt = 0;
    this.#reconnectIn(delay);
  }

  /**
   * The stream's token expires soon: a fresh one from the token function goes to the live stream
   * (`POST /api/sse/token`, authenticated by the new token). If that fails, or the function gives
   * the stream's own token again, the stream ends at the expiry with `token_expired`, and the
   * client reconnects with a fresh token then. The server warns again at once when a refreshed
   * token too expires within its lead time: refreshes are spaced by the backoff floor, so tokens
   * that live shorter than that lead end in reconnects rather than in a loop of refreshes.
   */
  async #refreshToken(source) {
    if (!this.#tokenSource || this.#refreshing) return;
    if (this.#env.now() - this.#refreshedAt < this.#backoff.floorMs) return;
    const connectionId = this.#connectionId;
    this.#refreshing = true;
    try {
      const token = await this.#freshToken();
      if (source !== this.#source || connectionId !== this.#connectionId || token === this.#token) return;
      const response = await this.#env.fetch(this.#endpoint('token'), {
        method: 'POST',
        headers: this.#postHeaders(token),
        credentials: this.#withCredentials ? 'include' : 'same-origin',
        body: JSON.stringify({ connectionId }),
      });
      if (response.ok) {
        if (source === this.#source) this.#token = token;
      } else if (response.status !== 404) {
        console.warn(`ssemux: token refresh refused (${response.status}); the stream ends when its token expires`);
      }
    } catch {
      // The token function or the network failed: `token_expired` reconnects with a fresh token.
    } finally {
      this.#refreshing = false;
      this.#refreshedAt = this.#env.now();
    }
  }

  /** The server closes the stream: reconnect at once (no backoff), with a fresh token and lastEventId. */
  #onTokenExpired(source) {
    if (source !== this.#source) return;
    this.#dropStream();
    this.#token = null;
    if (this.#closed || this.#state === 'evicted') return;
    this.#setState('reconnecting');
    if (this.#wantedChannels().size === 0) this.#setState('closed');
    this.#sync();
  }

  #onRevoked(e) {
    const { channels } = JSON.parse(e.data);
    for (const c of channels) this.#serverChannels?.delete(c);
    this.#revokeChannels(channels);
    this.#broadcast({ k: 'revoked', channels });
    // Other tabs leave them out once they hear it; until then, their old lists must not bring them back.
    for (const peer of this.#peers.values()) peer.channels = peer.channels.filter((c) => !channels.includes(c));
  }

  #revokeChannels(channels) {
    const own = channels.filter((c) => this.#channelRefs.has(c));
    own.forEach((c) => this.#revoked.add(c));
    if (own.length && this.#bus) this.#announce();
    for (const listener of this.#revokedListeners) listener({ channels: [...channels] });
  }

  /** The stream ended or failed: close it (so the browser does not retry) and retry with backoff. */
  #onDrop(source) {
    if (source !== this.#source) return;
    this.#dropStream();
    this.#retryLater();
  }

  #retryLater() {
    if (this.#closed || this.#state === 'evicted') return;
    this.#reconnectIn(backoffDelay(this.#attempt++, this.#backoff, this.#env.random));
  }

  #reconnectIn(delay) {
    if (this.#closed || this.#state === 'evicted') return;
    this.#setState('reconnecting');
    this.#retryTimer = this.#env.setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#wantedChannels().size === 0) this.#setState('closed');
      this.#sync();
    }, delay);
  }

  #dropStream() {
    this.#source?.close();
    this.#source = null;
    this.#env.clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    this.#connectionId = null;
    this.#serverChannels = null;
  }

  /** One `POST /api/sse/subscriptions` at a time; whatever changed meanwhile follows it. */
  async #post(subscribe, unsubscribe) {
    const connectionId = this.#connectionId;
    this.#posting = true;
    let next = 'sync';
    try {
      const response = await this.#env.fetch(this.#endpoint('subscriptions'), {
        method: 'POST',
        headers: this.#postHeaders(this.#token),
        credentials: this.#withCredentials ? 'include' : 'same-origin',
        body: JSON.stringify({ connectionId, subscribe, unsubscribe }),
      });
      if (connectionId !== this.#connectionId) {
        // A newer connection: its diff is computed afresh below.
      } else if (response.ok) {
        this.#serverChannels = new Set((await response.json()).channels);
        this.#postAttempt = 0;
      } else if (response.status >= 500 || response.status === 429) {
        next = 'retry';
      } else {
        // 404: the stream is gone and its error reconnects with the union. Other refusals do not
        // get better by retrying; the next change or reconnect tries again.
        next = 'none';
        if (response.status !== 404) {
          console.warn(`ssemux: subscription change refused (${response.status})`, await response.text());
        }
      }
    } catch {
      next = 'retry';
    } finally {
      this.#posting = false;
    }
    if (connectionId !== this.#connectionId) {
      this.#sync();
    } else if (next === 'retry') {
      const delay = backoffDelay(this.#postAttempt++, this.#backoff, this.#env.random);
      this.#postRetryTimer = this.#env.setTimeout(() => this.#sync(), delay);
    } else if (next === 'sync') {
      this.#sync();
    }
  }

  /** `POST` URL of the JSON API endpoint `name`, with the configured query parameters. */
  #endpoint(name) {
    const query = new URLSearchParams(this.#params).toString();
    return `${this.#url}/api/sse/${name}${query ? `?${query}` : ''}`;
  }

  #postHeaders(token) {
    const headers = { 'Content-Type': 'application/json', ...this.#headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  // ---- local delivery ------------------------------------------------------------------------

  #deliver({ type, channel, id, data }) {
    for (const sub of [...this.#subs]) {
      // A handler may unsubscribe another one: skip it then.
      if (this.#subs.has(sub) && matches(sub, type, channel)) {
        try {
          sub.handler(data, { type, channel, id });
        } catch (error) {
          reportError(error);
        }
      }
    }
  }

  #emitReset(info) {
    for (const listener of this.#resetListeners) listener(info);
  }

  #setState(state) {
    if (this.#state === state || (this.#closed && state !== 'closed')) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
    if (this.#isLeader) this.#broadcast({ k: 'state', state, lastEventId: this.#lastEventId });
  }

  // ---- tab group -----------------------------------------------------------------------------

  /**
   * Joins the tabs sharing `name`. Each tab holds a lock of its own for its lifetime; the others
   * wait on it, so a tab that closes (or crashes) is dropped from the union without heartbeats,
   * which background tabs' throttled timers would make unreliable. The tab that gets the group
   * lock leads until it closes; the next one in the lock's queue takes over.
   */
  #joinTabs(name) {
    const { locks, BroadcastChannel } = this.#env;
    this.#lockName = name;
    this.#abort = new AbortController();
    const { signal } = this.#abort;
    const held = new Promise((resolve) => (this.#releaseLocks = resolve));
    const granted = new Promise((resolve) => {
      locks.request(`${name}:tab:${this.#tabId}`, { signal }, () => (resolve(), held)).catch(ignoreAbort);
    });
    granted.then(() => {
      if (this.#closed) return;
      this.#bus = new BroadcastChannel(name);
      this.#bus.onmessage = (e) => this.#onMessage(e.data);
      this.#announce();
      locks.request(name, { signal }, () => (this.#lead(), held)).catch(ignoreAbort);
    });
  }

  /** Tells the other tabs which channels this tab needs. */
  #announce() {
    this.#broadcast({ k: 'tab', tab: this.#tabId, channels: this.#ownChannels() });
  }

  #lead() {
    if (this.#closed) return;
    this.#isLeader = true;
    if (this.#state === 'evicted') return;
    if (this.#wantedChannels().size === 0) this.#setState('closed');
    this.#sync();
  }

  #onMessage(message) {
    if (this.#closed) return;
    switch (message.k) {
      case 'tab':
        if (!this.#peers.has(message.tab)) this.#watchTab(message.tab);
        this.#peers.set(message.tab, { channels: message.channels });
        if (this.#isLeader) {
          this.#broadcast({ k: 'state', state: this.#state, lastEventId: this.#lastEventId });
          this.#sync();
        }
        break;
      case 'event':
        if (message.event.id) this.#lastEventId = message.event.id;
        this.#deliver(message.event);
        break;
      case 'reset':
        this.#lastEventId = message.lastEventId;
        this.#emitReset(message.info);
        break;
      case 'revoked':
        this.#revokeChannels(message.channels);
        break;
      case 'state':
        if (this.#isLeader) break;
        if (message.lastEventId !== null) this.#lastEventId = message.lastEventId;
        this.#setState(message.state);
        break;
    }
  }

  /** A new tab: introduce ourselves, and forget it when its lock is released. */
  #watchTab(tab) {
    this.#peers.set(tab, { channels: [] });
    this.#announce();
    this.#env.locks
      .request(`${this.#lockName}:tab:${tab}`, { signal: this.#abort.signal }, () => {
        this.#peers.delete(tab);
        if (this.#isLeader) this.#sync();
      })
      .catch(ignoreAbort);
  }

  /** Broadcasts to the other tabs of the group, if any. */
  #broadcast(message) {
    this.#bus?.postMessage(message);
  }
}

function baseUrl(url) {
  return (url ?? '').replace(/\/+$/, '');
}

function checkName(name, what) {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError(`ssemux: invalid ${what} ${JSON.stringify(name)} (expected ${NAME.source})`);
  }
  if (what === 'type' && RESERVED_TYPES.includes(name)) {
    throw new TypeError(`ssemux: type '${name}' is reserved for the server (use onState / onReset)`);
  }
  return name;
}

function matches(sub, type, channel) {
  return (sub.type === undefined || sub.type === type) && (sub.channels.has(channel) || sub.channels.has('all'));
}

function bump(map, key, delta) {
  const n = (map.get(key) ?? 0) + delta;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

function addListener(set, listener) {
  const entry = (...args) => listener(...args);
  set.add(entry);
  return () => set.delete(entry);
}

function randomId() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function ignoreAbort(error) {
  if (error?.name !== 'AbortError') throw error;
}

function reportError(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else queueMicrotask(() => { throw error; });
}
