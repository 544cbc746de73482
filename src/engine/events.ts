import { channel } from 'node:diagnostics_channel';
import type { QueryContext } from './context.js';

/** What watchers read of an answered query: the pipeline's context, or for an answer repeated from the
 * cache, the query and client of now with what the cached answer was made from. */
export type QueryView = Pick<QueryContext, 'query' | 'client' | 'zone' | 'rcode' | 'answer' | 'cacheable' | 'ecsScope'>;

/** Published after each answered query when someone listens (the query log, metrics). */
export const queryChannel = channel('gdns:query:done');

export interface QueryEvent {
  ctx: QueryView;
  size: number;
  /** Time the engine spent on the query, from its arrival in `answerInto` to the encoded answer. */
  elapsedNs: number;
  error?: unknown;
}

export function publishQuery(ctx: QueryView, size: number, startedMs: number, error?: unknown): void {
  if (queryChannel.hasSubscribers) {
    queryChannel.publish({ ctx, size, elapsedNs: (performance.now() - startedMs) * 1e6, error } satisfies QueryEvent);
  }
}
