/** The shapes `RelayServer.stats()` and `health()` return (served by the status listener). */
import type { ListenerStats } from './listener-base.js';
import type { PoolStats } from './pool.js';

export interface RelayStats {
  readonly startedAt: string;
  readonly uptimeS: number;
  readonly draining: boolean;
  readonly listeners: readonly ListenerStats[];
  readonly pools: readonly PoolStats[];
}

export interface RelayHealth {
  /** True when every pool that routes reference has a server able to take connections. */
  readonly healthy: boolean;
  readonly pools: Readonly<Record<string, boolean>>;
}
