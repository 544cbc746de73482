import { channel } from 'node:diagnostics_channel';
import type { QueryContext } from './context.js';

/** Published after each answered query when someone listens (the query log, metrics). */
export const queryChannel = channel('gdns:query:done');

export interface QueryEvent {
  ctx: QueryContext;
  size: number;
  error?: unknown;
}

export function publishQuery(ctx: QueryContext, size: number, error?: unknown): void {
  if (queryChannel.hasSubscribers) queryChannel.publish({ ctx, size, error } satisfies QueryEvent);
}
