import type { SseHandler, SseMuxClient, SseState } from './ssemux.js';

/**
 * Receives events of `type` (every type when null) on `channels` while the component is mounted.
 * Subscribes once per (type, channels); the latest `handler` is always the one called.
 */
export function useSseEvent<T = any>(
  type: string | null | undefined,
  handler: SseHandler<T>,
  options: { channels: string | readonly string[]; client?: SseMuxClient },
): void;

/** The connection state; the component re-renders when it changes. */
export function useSseStatus(client?: SseMuxClient): SseState;
