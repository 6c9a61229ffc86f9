/**
 * React hooks for ssemux. React is a peer dependency: this file imports it, it never bundles it.
 */
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { getClient } from './ssemux.js';

/**
 * Calls `handler(data, {type, channel, id})` for each event of `type` (every type when null) on
 * `channels`, while the component is mounted. The subscription is made once per (type, channels)
 * — not on every render — and always calls the latest `handler`, so an inline arrow is fine.
 *
 * @param {string | null | undefined} type
 * @param {(data: any, meta: {type: string, channel: string, id: string}) => void} handler
 * @param {{channels: string[] | string, client?: import('./ssemux.js').SseMuxClient}} options
 *   `client` defaults to `getClient()`, the one configured at startup
 */
export function useSseEvent(type, handler, { channels, client } = {}) {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  const key = [].concat(channels ?? []).join(',');
  useEffect(() => {
    if (!key) return undefined;
    return (client ?? getClient()).subscribe({
      channels: key.split(','),
      type: type ?? undefined,
      handler: (data, meta) => latest.current(data, meta),
    });
  }, [client, type, key]);
}

/**
 * The connection state (`closed`, `connecting`, `open`, `reconnecting`, `evicted`), re-rendering
 * the component when it changes.
 *
 * @param {import('./ssemux.js').SseMuxClient} [client] defaults to `getClient()`
 * @returns {string}
 */
export function useSseStatus(client) {
  const c = client ?? getClient();
  const subscribe = useCallback((onChange) => c.onState(onChange), [c]);
  return useSyncExternalStore(subscribe, () => c.state, () => 'closed');
}
