import type { CheckSpec, Timing } from './check.js';

export type State = 'up' | 'down' | 'unknown';
export type Override = 'drain' | 'force-up';

/** One change of a target's state, kept in its history and published. */
export interface HistoryEntry {
  at: number;
  state: State;
  reason: string;
}

/** What a target looks like from outside (API, CLI, metrics, another nameserver). */
export interface TargetView {
  key: string;
  /** One line for people: `tcp 192.0.2.1:443`. */
  check: string;
  spec: CheckSpec;
  timing: Timing;
  /** Endpoint names and addresses this target answers to (overrides match any of them). */
  names: string[];
  /** Who wants it: zone names, `config`, `query` (registered by a LUA record at query time). */
  owners: string[];
  /** The records that use it, as zones declared them (`www.example.com. LUA A`). */
  records: string[];
  /** The checks' verdict; `effective` adds the override. */
  state: State;
  effective: State;
  override: Override | null;
  weight: number;
  since: number | null;
  lastCheck: number | null;
  lastError: string | null;
  lastMs: number | null;
  checks: number;
  failures: number;
  /** Where the state comes from now. */
  source: 'probe' | 'heartbeat' | 'primary';
  history: HistoryEntry[];
}

/** A target's mutable state: rise/fall counting over probe results. */
export class Target {
  state: State = 'unknown';
  weight = 0;
  okInRow = 0;
  badInRow = 0;
  since: number | null = null;
  lastCheck: number | null = null;
  lastError: string | null = null;
  lastMs: number | null = null;
  checks = 0;
  failures = 0;
  source: TargetView['source'] = 'probe';
  readonly history: HistoryEntry[] = [];
  readonly owners = new Set<string>();
  /** Records using it, per owner. */
  readonly usedBy = new Map<string, Set<string>>();
  readonly names = new Set<string>();
  timer: NodeJS.Timeout | null = null;
  running = false;
  lastAccess = 0;
  stopped = false;

  constructor(readonly key: string, readonly spec: CheckSpec, readonly timing: Timing, readonly description: string,
    private readonly historySize: number) {}

  /**
   * Counts one result. The first result decides at once (Geodesic probes when a zone loads); then
   * `fall` failures in a row take it down and `rise` successes bring it up. Returns the reason when
   * the state changed, else null.
   */
  record(ok: boolean, weight: number, error: string | null, at: number, ms: number | null): string | null {
    this.checks++;
    this.lastCheck = at;
    this.lastMs = ms;
    this.lastError = error;
    if (ok) {
      this.okInRow++;
      this.badInRow = 0;
      this.weight = weight;
    } else {
      this.failures++;
      this.badInRow++;
      this.okInRow = 0;
    }
    const t = this.timing;
    if (ok && this.state !== 'up' && (this.state === 'unknown' || this.okInRow >= t.rise)) {
      return this.set('up', at, this.state === 'unknown' ? 'first check passed' : `${this.okInRow} check(s) passed in a row`);
    }
    if (!ok && this.state !== 'down' && (this.state === 'unknown' || this.badInRow >= t.fall)) {
      return this.set('down', at, `${this.state === 'unknown' ? 'first check failed' : `${this.badInRow} check(s) failed in a row`}: ${error ?? 'failed'}`);
    }
    return null;
  }

  /** Keeps an event that is not a verdict of the checks (an override) in the history. */
  note(state: State, at: number, reason: string): void {
    this.history.push({ at, state, reason });
    if (this.history.length > this.historySize) this.history.shift();
  }

  set(state: State, at: number, reason: string): string {
    this.state = state;
    this.since = at;
    if (state !== 'up') this.weight = 0;
    this.history.push({ at, state, reason });
    if (this.history.length > this.historySize) this.history.shift();
    return reason;
  }
}
