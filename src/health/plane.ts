import { channel } from 'node:diagnostics_channel';
import { createHash } from 'node:crypto';
import { DEFAULT_TIMING, describeCheck, normalizeTarget } from './check.js';
import type { CheckSpec, NormalTarget, TargetSpec, Timing } from './check.js';
import { HealthError } from './errors.js';
import { probe } from './probes.js';
import { Target } from './target.js';
import type { Override, State, TargetView } from './target.js';

/** Probes running at once, at most (sockets are cheap, but a burst of thousands at zone load is not). */
const MAX_IN_FLIGHT = 256;

/** Published on every change of a target's effective state (checks, heartbeats, overrides, the primary). */
export const healthChangeChannel = channel('gdns:health:change');

export interface HealthChange {
  key: string;
  check: string;
  names: string[];
  from: State;
  to: State;
  /** The checks' own state (to differs from it under an override). */
  state: State;
  override: Override | null;
  reason: string;
  at: number;
}

export interface HeartbeatEndpoint {
  name: string;
  /** The secret in `POST /api/v1/heartbeat/{token}`. */
  token: string;
  /** Down when no heartbeat came for this long. */
  expireMs: number;
}

/** A target's state as another nameserver publishes it (GET .../health). */
export interface RemoteState {
  key: string;
  state: State;
  weight: number;
  since: number | null;
}

export interface HealthPlaneOptions {
  /** Defaults for checks that do not say (interval 5 s, timeout 2 s, rise 1, fall 1). */
  defaults?: Partial<Timing>;
  /** State changes kept per target (default 50). */
  historySize?: number;
  /** Checks registered by queries (LUA records whose targets are not literal) stop when not asked
   * about for this long (PowerDNS lua-health-checks-expire-delay; default 1 hour). */
  expireMs?: number;
  heartbeats?: HeartbeatEndpoint[];
  /** Overrides to start with (kept by the caller, e.g. in a file). */
  overrides?: ReadonlyArray<{ name: string; override: Override }>;
  /** Called with every override after one is set or cleared (to keep them across restarts). */
  onOverrides?: (list: Array<{ name: string; override: Override }>) => void;
  now?: () => number;
}

/** A wanted target: the check, the names it answers to (endpoint name, address), the record that uses it. */
export interface Want {
  spec: TargetSpec;
  names?: string[];
  /** e.g. `www.example.com. LUA A` (shown in the target's `records`). */
  record?: string;
}

/**
 * The health plane: one target per distinct check (however many records use it), probed at once when
 * wanted and then every interval, with rise/fall counting, history, manual overrides (drain, force-up),
 * pushed heartbeats, and optionally the states of a primary nameserver instead of local probes.
 * Answers `status()` synchronously from memory.
 */
export class HealthPlane {
  readonly defaults: Timing;
  private readonly targets = new Map<string, Target>();
  private readonly memo = new Map<string, NormalTarget>();
  /** The same spec object (a declarative endpoint's) is normalized once. */
  private readonly bySpec = new WeakMap<TargetSpec, NormalTarget>();
  private readonly overrides = new Map<string, Override>();
  private readonly listeners = new Set<(c: HealthChange) => void>();
  private readonly tokens = new Map<string, HeartbeatEndpoint>();
  private readonly beats = new Map<string, HeartbeatEndpoint>();
  private readonly historySize: number;
  private readonly expireMs: number;
  private readonly now: () => number;
  private readonly onOverrides: ((list: Array<{ name: string; override: Override }>) => void) | undefined;
  private remote: Map<string, RemoteState> | null = null;
  private remoteAt = 0;
  private remoteFreshMs = 0;
  private remoteTimer: NodeJS.Timeout | null = null;
  private followGeneration = 0;
  private sweepTimer: NodeJS.Timeout;
  private closed = false;
  private inFlight = 0;
  private captured: Want[] | null = null;

  constructor(options: HealthPlaneOptions = {}) {
    this.defaults = { ...DEFAULT_TIMING, ...options.defaults };
    this.historySize = options.historySize ?? 50;
    this.expireMs = options.expireMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
    this.onOverrides = options.onOverrides;
    for (const o of options.overrides ?? []) this.overrides.set(o.name, o.override);
    for (const hb of options.heartbeats ?? []) {
      this.tokens.set(hashToken(hb.token), hb);
      this.beats.set(hb.name, hb);
      // a heartbeat is proof enough: up at the first, down when they stop
      const t = this.ensure(normalizeTarget({ check: { kind: 'heartbeat', name: hb.name }, timing: { rise: 1, fall: 1 } }, this.defaults), [hb.name]);
      t.owners.add('config');
      t.source = 'heartbeat';
      this.armHeartbeat(t, hb, this.now());
    }
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1000, this.expireMs / 4)));
    this.sweepTimer.unref();
  }

  /** Normalized form of a spec (cached by its JSON text). Throws HealthError for a bad spec. */
  normalize(spec: TargetSpec): NormalTarget {
    const known = this.bySpec.get(spec);
    if (known !== undefined) return known;
    const text = JSON.stringify(spec);
    let n = this.memo.get(text);
    if (n === undefined) {
      n = normalizeTarget(spec, this.defaults);
      if (this.memo.size > 10_000) this.memo.clear();
      this.memo.set(text, n);
    }
    this.bySpec.set(spec, n);
    return n;
  }

  /**
   * The targets `owner` (a zone name, say) needs now, replacing what it needed before: new ones are
   * probed at once, ones nobody needs any more stop. Bad specs are skipped and returned as errors.
   */
  want(owner: string, wants: readonly Want[]): HealthError[] {
    const errors: HealthError[] = [];
    const keep = new Set<string>();
    for (const t of this.targets.values()) t.usedBy.delete(owner);
    for (const w of wants) {
      let n: NormalTarget;
      try { n = this.normalize(w.spec); } catch (err) { errors.push(err as HealthError); continue; }
      const t = this.ensure(n, w.names ?? []);
      t.owners.add(owner);
      keep.add(t.key);
      if (w.record !== undefined) {
        let set = t.usedBy.get(owner);
        if (set === undefined) t.usedBy.set(owner, set = new Set());
        set.add(w.record);
      }
    }
    for (const t of [...this.targets.values()]) {
      if (t.owners.has(owner) && !keep.has(t.key)) {
        t.owners.delete(owner);
        if (t.owners.size === 0) this.stop(t);
      }
    }
    return errors;
  }

  /**
   * The state of a check for an answer: > 0 up (the weight, or 1), 0 down, -1 not checked yet. A check
   * nobody declared is registered and probed at once (PowerDNS: the first query starts it). An override
   * on any of `names` or the target's own names wins.
   */
  status(spec: TargetSpec, names: readonly string[] = []): number {
    const n = this.normalize(spec);
    let t = this.targets.get(n.key);
    if (this.captured !== null) this.captured.push({ spec, names: [...names] });
    if (t === undefined) {
      t = this.ensure(n, names);
      if (this.captured === null) t.owners.add('query');
    }
    t.lastAccess = this.now();
    const o = this.overrideOf(t, names);
    if (o === 'drain') return 0;
    if (o === 'force-up') return Math.max(1, t.weight);
    if (t.state === 'unknown') return -1;
    return t.state === 'up' ? Math.max(1, t.weight) : 0;
  }

  /**
   * Runs `fn` and returns the checks it asked `status()` about, without making them query-owned: the
   * caller wants them for an owner (a zone whose LUA record computes its targets, run once at load).
   */
  capture(fn: () => void): Want[] {
    const outer = this.captured;
    this.captured = [];
    try {
      fn();
      return this.captured;
    } finally {
      this.captured = outer;
    }
  }

  /** The override on a name or address (drain, force-up), or null. */
  override(name: string): Override | null {
    return this.overrides.get(name) ?? null;
  }

  /**
   * Sets or clears (null) the override of an endpoint name or address. Returns the targets it touches
   * (it applies also to names no target has yet, e.g. addresses of ifurlextup).
   */
  setOverride(name: string, o: Override | null, reason = ''): TargetView[] {
    if (name === '') throw new HealthError('GDNS_ERR_HEALTH_UNKNOWN', 'an endpoint name or address is needed');
    const touched = [...this.targets.values()].filter((t) => t.names.has(name));
    const before = touched.map((t) => this.effective(t));
    if (o === null) this.overrides.delete(name); else this.overrides.set(name, o);
    const at = this.now();
    touched.forEach((t, i) => {
      const why = o === null ? `override on ${name} cleared` : `${o} ${name}`;
      const text = reason === '' ? why : `${why}: ${reason}`;
      t.note(this.effective(t), at, text);
      this.changed(t, before[i]!, at, text);
    });
    if (touched.length === 0) this.emitName(name, o, at);
    this.onOverrides?.(this.overridesList());
    return touched.map((t) => this.view(t));
  }

  /** Every override set, by name. */
  overridesList(): Array<{ name: string; override: Override }> {
    return [...this.overrides].map(([name, override]) => ({ name, override }));
  }

  /** A heartbeat for the endpoint whose token this is; returns its name, or null for an unknown token. */
  heartbeat(token: string): string | null {
    const hb = this.tokens.get(hashToken(token));
    if (hb === undefined) return null;
    const t = this.targets.get(`heartbeat ${hb.name}`);
    if (t !== undefined) this.armHeartbeat(t, hb, this.now(), true);
    return hb.name;
  }

  list(): TargetView[] {
    return [...this.targets.values()].map((t) => this.view(t)).sort((a, b) => a.check.localeCompare(b.check));
  }

  /** Targets whose key, name or address is `name`. */
  find(name: string): TargetView[] {
    return [...this.targets.values()].filter((t) => t.key === name || t.names.has(name)).map((t) => this.view(t));
  }

  /** Calls `listener` on each change of effective state; returns the unsubscribe function. */
  subscribe(listener: (c: HealthChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** States to publish to other nameservers (the primary's side of agreement): effective, so a drain
   * on the primary reaches the secondaries that follow it. */
  remoteStates(): RemoteState[] {
    return [...this.targets.values()].map((t) => ({ key: t.key, state: this.effective(t), weight: t.weight, since: t.since }));
  }

  /**
   * Takes states from another nameserver instead of probing: `fetch` is called every `intervalMs`; a
   * target the other side has gets its state, one it lacks is probed here. When `fetch` fails for three
   * intervals in a row, local probing resumes until it works again.
   */
  follow(fetch: () => Promise<RemoteState[]>, intervalMs: number, onError?: (err: Error) => void): void {
    this.remoteFreshMs = intervalMs * 3;
    if (this.remoteTimer !== null) clearTimeout(this.remoteTimer);
    const generation = ++this.followGeneration; // a second follow() replaces the first
    const poll = async (): Promise<void> => {
      if (generation !== this.followGeneration) return;
      try {
        const states = await fetch();
        if (this.closed || generation !== this.followGeneration) return;
        this.remote = new Map(states.map((s) => [s.key, s]));
        this.remoteAt = this.now();
        for (const t of this.targets.values()) this.applyRemote(t);
      } catch (err) {
        onError?.(err as Error);
      }
      if (!this.closed && generation === this.followGeneration) {
        this.remoteTimer = setTimeout(() => void poll(), intervalMs);
        this.remoteTimer.unref();
      }
    };
    void poll();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweepTimer);
    if (this.remoteTimer !== null) clearTimeout(this.remoteTimer);
    for (const t of this.targets.values()) this.stop(t);
    this.targets.clear();
  }

  private remoteFresh(): boolean {
    return this.remote !== null && this.now() - this.remoteAt <= this.remoteFreshMs;
  }

  private applyRemote(t: Target): boolean {
    if (!this.remoteFresh() || t.spec.kind === 'heartbeat' && this.beats.has(t.spec.name)) return false;
    const r = this.remote!.get(t.key);
    if (r === undefined || r.state === 'unknown') return false;
    t.source = 'primary';
    t.weight = r.weight;
    if (r.state !== t.state) {
      const before = this.effective(t);
      t.set(r.state, this.now(), 'state taken from the primary');
      this.changed(t, before, this.now(), 'state taken from the primary');
    }
    return true;
  }

  private ensure(n: NormalTarget, names: readonly string[]): Target {
    let t = this.targets.get(n.key);
    if (t === undefined) {
      t = new Target(n.key, n.check, n.timing, describeCheck(n.check), this.historySize);
      t.lastAccess = this.now();
      this.targets.set(n.key, t);
      const c = n.check;
      if (c.kind === 'heartbeat') t.names.add(c.name);
      else if (c.address !== null) t.names.add(c.address);
      for (const name of names) t.names.add(name);
      if (c.kind === 'heartbeat') {
        t.source = 'heartbeat';
        if (!this.beats.has(c.name)) t.set('down', this.now(), `no heartbeat endpoint "${c.name}" is configured`);
      } else if (!this.applyRemote(t)) {
        this.schedule(t, 0);
      } else {
        this.schedule(t, t.timing.intervalMs);
      }
    } else {
      for (const name of names) t.names.add(name);
    }
    return t;
  }

  private schedule(t: Target, delay: number): void {
    if (t.stopped || this.closed) return;
    t.timer = setTimeout(() => void this.tick(t), delay);
    t.timer.unref();
  }

  private async tick(t: Target): Promise<void> {
    t.timer = null;
    if (t.stopped || t.spec.kind === 'heartbeat') return;
    if (!this.applyRemote(t)) {
      // a zone with thousands of checks loads: at most MAX_IN_FLIGHT probes at a time
      if (this.inFlight >= MAX_IN_FLIGHT) {
        this.schedule(t, 5 + Math.floor(Math.random() * 20));
        return;
      }
      t.source = 'probe';
      this.inFlight++;
      let r;
      try { r = await probe(t.spec, t.timing.timeoutMs); } finally { this.inFlight--; }
      if (t.stopped) return;
      const before = this.effective(t);
      const reason = t.record(r.ok, r.weight, r.error, this.now(), r.ms);
      if (reason !== null) this.changed(t, before, this.now(), reason);
    }
    this.schedule(t, t.timing.intervalMs);
  }

  private armHeartbeat(t: Target, hb: HeartbeatEndpoint, at: number, beat = false): void {
    if (t.timer !== null) clearTimeout(t.timer);
    const before = this.effective(t);
    if (beat) {
      const reason = t.record(true, 0, null, at, null);
      if (reason !== null) this.changed(t, before, at, 'heartbeat received');
    }
    t.timer = setTimeout(() => {
      t.timer = null;
      const b = this.effective(t);
      if (t.state !== 'down') {
        t.set('down', this.now(), `no heartbeat for ${hb.expireMs} ms`);
        t.lastError = `no heartbeat for ${hb.expireMs} ms`;
        this.changed(t, b, this.now(), `no heartbeat for ${hb.expireMs} ms`);
      }
    }, hb.expireMs);
    t.timer.unref();
  }

  private stop(t: Target): void {
    t.stopped = true;
    if (t.timer !== null) clearTimeout(t.timer);
    t.timer = null;
    this.targets.delete(t.key);
  }

  /** Stops query-registered checks nobody asked about for expireMs. */
  private sweep(): void {
    const limit = this.now() - this.expireMs;
    for (const t of [...this.targets.values()]) {
      if (t.owners.size === 1 && t.owners.has('query') && t.lastAccess < limit) this.stop(t);
    }
  }

  private overrideOf(t: Target, extra: readonly string[] = []): Override | null {
    let forced = false;
    for (const n of [...t.names, ...extra]) {
      const o = this.overrides.get(n);
      if (o === 'drain') return 'drain';
      if (o === 'force-up') forced = true;
    }
    return forced ? 'force-up' : null;
  }

  private effective(t: Target): State {
    const o = this.overrideOf(t);
    return o === 'drain' ? 'down' : o === 'force-up' ? 'up' : t.state;
  }

  private changed(t: Target, before: State, at: number, reason: string): void {
    const to = this.effective(t);
    if (to === before) return;
    this.emit({ key: t.key, check: t.description, names: [...t.names], from: before, to, state: t.state, override: this.overrideOf(t), reason, at });
  }

  private emitName(name: string, o: Override | null, at: number): void {
    this.emit({
      key: '', check: '', names: [name], from: 'unknown', to: o === 'drain' ? 'down' : o === 'force-up' ? 'up' : 'unknown',
      state: 'unknown', override: o, reason: o === null ? `override on ${name} cleared` : `${o} ${name}`, at,
    });
  }

  private emit(c: HealthChange): void {
    for (const l of this.listeners) l(c);
    if (healthChangeChannel.hasSubscribers) healthChangeChannel.publish(c);
  }

  private view(t: Target): TargetView {
    return {
      key: t.key, check: t.description, spec: t.spec as CheckSpec, timing: t.timing, names: [...t.names],
      owners: [...t.owners].sort(), records: [...t.usedBy.values()].flatMap((r) => [...r]).sort(), state: t.state, effective: this.effective(t), override: this.overrideOf(t),
      weight: t.weight, since: t.since, lastCheck: t.lastCheck, lastError: t.lastError, lastMs: t.lastMs,
      checks: t.checks, failures: t.failures, source: t.source, history: t.history.slice(),
    };
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
