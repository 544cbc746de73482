/**
 * diagnostics_channel names the relay publishes on (the CLI subscribes for logs and metrics).
 * - `gdns:relay:connection` → `ConnectionEvent`, once per connection when it ends (the access log).
 * - `gdns:relay:reject`     → `RejectEvent`, a connection refused by a limit or an address list.
 * - `gdns:relay:health`     → `HealthEvent`, an upstream going up or down (active or passive).
 */
import { channel } from 'node:diagnostics_channel';

export const connectionChannel = channel('gdns:relay:connection');
export const rejectChannel = channel('gdns:relay:reject');
export const healthChannel = channel('gdns:relay:health');

export interface ConnectionEvent {
  readonly listener: string;
  readonly client: string;
  readonly clientPort: number;
  readonly sni: string | undefined;
  readonly alpn: readonly string[];
  readonly route: string | undefined;
  readonly pool: string | undefined;
  readonly upstream: string | undefined;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly durationMs: number;
  /** Why it ended: `closed` (normal), `idle-timeout`, `total-timeout`, `no-route`, `no-upstream`, `error: …`. */
  readonly end: string;
}

export interface RejectEvent {
  readonly listener: string;
  readonly client: string;
  readonly reason: 'deny' | 'not-allowed' | 'max-connections' | 'per-client' | 'rate' | 'proxy-header' | 'draining';
}

export interface HealthEvent {
  readonly pool: string;
  readonly upstream: string;
  readonly healthy: boolean;
  readonly source: 'active' | 'passive';
  readonly reason: string | undefined;
}
