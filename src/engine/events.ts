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
  /** When the query was answered (wall-clock ms), given when it is published later than that (answers
   * repeated by the native UDP cache are published in bulk); now when absent. */
  time?: number;
  /** The answer was repeated from a cache: `ctx.answer` is then the same array each time it is repeated
   * (a watcher may keep what it made of it with that array: in a WeakMap, or under a symbol of its own). */
  repeated?: true;
  error?: unknown;
}

export function publishQuery(ctx: QueryView, size: number, startedMs: number, error?: unknown, repeated?: true): void {
  if (queryChannel.hasSubscribers) {
    queryChannel.publish({ ctx, size, elapsedNs: (performance.now() - startedMs) * 1e6, repeated, error } satisfies QueryEvent);
  }
}
