/** Connection state of a client (shared by every tab of the group). */
export type SseState = 'closed' | 'connecting' | 'open' | 'reconnecting' | 'evicted';

/** What a handler learns about the event besides its data. */
export interface SseEventMeta {
  /** the published event type */
  type: string;
  /** the channel it was published on */
  channel: string;
  /** the server's event id */
  id: string;
}

export type SseHandler<T = any> = (data: T, meta: SseEventMeta) => void;

export interface SseSubscription<T = any> {
  /** one channel or several; `all` means every channel */
  channels: string | readonly string[];
  /** the event type to receive; every type of the channels when omitted, named anywhere or not */
  type?: string;
  handler: SseHandler<T>;
}

/** Sent by the server when it could not resume: reload application state. */
export interface SseResetInfo {
  reason: 'too_old' | 'unknown_id' | string;
  lastEventId: string;
}

/** Sent by the server when a refreshed token no longer grants some channels: they were dropped. */
export interface SseRevokedInfo {
  channels: string[];
}

export interface SseMuxOptions {
  /** base URL of the server; '' (default) is the page's origin */
  url?: string;
  /** query parameters added to every request, e.g. `{user: 'alice'}` (EventSource cannot send headers) */
  params?: Record<string, string>;
  /** headers added to fetch calls (`POST /api/sse/subscriptions`) */
  headers?: Record<string, string>;
  /** send cookies to a server of another origin */
  withCredentials?: boolean;
  /**
   * gives a token (a JWT) for the server. Called by the leader tab only: before each connect and
   * on `token_expiring`. Sent as `token=` on the stream URL and `Authorization: Bearer` on every
   * POST; never logged. Not part of the identity `getClient` compares: the first one is kept.
   */
  token?: () => Promise<string> | string;
  /** reconnect delay: uniform in [floorMs, min(capMs, floorMs * 2^(attempt+1))]; defaults 1000 and 30000 */
  backoff?: { floorMs?: number; capMs?: number };
  /**
   * a stream that delivers no event at all (the server's `heartbeat` events included) for this
   * many times the `heartbeatSeconds` of its `connected` event is taken for dead: it is closed and
   * reopened with backoff and `lastEventId`. Default 3; 0 turns the check off.
   */
  deadAfterHeartbeats?: number;
  /** false: one connection per tab; default true (one per browser, where Web Locks and BroadcastChannel exist) */
  shareTabs?: boolean;
  /** replaces browser globals, for tests and other runtimes */
  env?: {
    EventSource?: { new (url: string, init?: { withCredentials?: boolean }): EventSource };
    fetch?: typeof fetch;
    BroadcastChannel?: { new (name: string): BroadcastChannel };
    locks?: LockManager;
    random?: () => number;
    /** the client's timers and clock (reconnect, retried POSTs, the dead-stream check) */
    setTimeout?: (callback: () => void, ms: number) => unknown;
    clearTimeout?: (id: any) => void;
    now?: () => number;
  };
}

export class SseMuxClient {
  constructor(options?: SseMuxOptions);
  /** the connection state */
  readonly state: SseState;
  /** whether this tab holds the connection */
  readonly isLeader: boolean;
  /** receives matching events until the returned function is called */
  subscribe<T = any>(subscription: SseSubscription<T>): () => void;
  /** calls `listener` on every state change; returns the unsubscribe function */
  onState(listener: (state: SseState) => void): () => void;
  /** calls `listener` when events may have been missed; returns the unsubscribe function */
  onReset(listener: (info: SseResetInfo) => void): () => void;
  /** calls `listener` in every tab when the server revoked channels; returns the unsubscribe function */
  onRevoked(listener: (info: SseRevokedInfo) => void): () => void;
  /** closes for good; another tab takes over the connection */
  close(): void;
}

/** The shared client for `options.url`, kept on `globalThis[Symbol.for('ssemux.client')]`. */
export function getClient(options?: SseMuxOptions): SseMuxClient;

/** Reconnect delay in ms for `attempt` (0 = first retry): full jitter above a floor. */
export function backoffDelay(attempt: number, backoff: { floorMs: number; capMs: number }, random?: () => number): number;
