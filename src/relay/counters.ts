/** Plain counters the relay keeps per listener and per route (exposed by `stats()`). */
export interface RouteCounters {
  connections: number;
  active: number;
  bytesUp: number;
  bytesDown: number;
  /** Connections that found no upstream or whose upstream connects all failed. */
  errors: number;
}

export interface ListenerCounters {
  accepted: number;
  active: number;
  rejected: number;
  helloTimeouts: number;
  notTls: number;
  noRoute: number;
}

export const newRouteCounters = (): RouteCounters => ({ connections: 0, active: 0, bytesUp: 0, bytesDown: 0, errors: 0 });
export const newListenerCounters = (): ListenerCounters => ({ accepted: 0, active: 0, rejected: 0, helloTimeouts: 0, notTls: 0, noRoute: 0 });
