import { channel } from 'node:diagnostics_channel';
import type { QueryContext } from './context.js';

/** Published after each answered query when someone listens (the query log, metrics). */
export const queryChannel = channel('gdns:query:done');

export interface QueryEvent {
  ctx: QueryContext;
  size: number;
  /** Time the engine spent on the query, from its arrival in `answerInto` to the encoded answer. */
  elapsedNs: number;
  error?: unknown;
}

export function publishQuery(ctx: QueryContext, size: number, startedMs: number, error?: unknown): void {
  if (queryChannel.hasSubscribers) {
    queryChannel.publish({ ctx, size, elapsedNs: (performance.now() - startedMs) * 1e6, error } satisfies QueryEvent);
  }
}
