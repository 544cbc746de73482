import { signZoneAsync, isSep, DEFAULT_VALIDITY } from '../dnssec/index.js';
import type { SignOptions } from '../dnssec/index.js';
import type { Zone } from '../zone/index.js';
import { RRType } from '../wire/index.js';
import type { Rr } from '../wire/index.js';
import type { Store } from '../store/index.js';
import { KeyCrypt } from './key-crypt.js';
import { keyedZones, loadDenial, loadKeys } from './zone-keys.js';
import type { StoredKey } from './zone-keys.js';
import { readState } from './key-rollover.js';
import { SignedJournal, zoneDiff } from './signed-diff.js';
import type { SignedDiff } from './signed-diff.js';
import type { RolloverPolicy } from './key-rollover.js';

/** How the catalog signs zones that have active keys in the store (config `dnssec:`). */
export interface SigningOptions {
  /** Encrypts private keys at rest (AES-256-GCM); without it they are stored as PEM. */
  secret?: string | null;
  /** Signature validity, seconds (default 14 days). */
  validity?: number;
  /** Signatures with less than this left are made again (default validity / 4). */
  refresh?: number;
  /** Inception backdating, seconds (default 3600). */
  inceptionOffset?: number;
  /** TTL of DNSKEY, CDS and CDNSKEY (default 3600). */
  dnskeyTtl?: number;
  /** Clock of signatures, seconds since the epoch (tests; default the system clock). */
  signNow?: () => number;
  /** CDS/CDNSKEY: during KSK/CSK rollovers only (default, as Knot), or always for the active KSK/CSK. */
  cds?: 'rollover' | 'always';
  /** Sign at all (default true); false for tools that only edit keys (`geodesic dnssec` on the store). */
  sign?: boolean;
  /** Automatic key rollovers (key-rollover.ts). */
  rollover?: RolloverPolicy;
}

/** A zone signed and served: the snapshot, its keys and when it was signed (seconds). */
export interface SignedZone { zone: Zone; keys: StoredKey[]; signedAt: number }

interface Job { running: Promise<void> | null; again: boolean }

const SIGNING_SLOTS = 4;
/** Signed zones larger than this (records, signatures included) keep no IXFR differences. */
const MAX_DIFF_RECORDS = 100_000;

/**
 * Signs the store's zones that have active keys: each change of such a zone is signed (in slices, only
 * what changed, with the previous signed snapshot) before it is served; the catalog serves the old signed
 * version meanwhile. Zones without keys pass at once; a zone's keys are read again at every signing.
 */
export class ZoneSigning {
  readonly crypt: KeyCrypt;
  private readonly signedZones = new Map<string, SignedZone>();
  private keyed = new Set<string>();
  private readonly jobs = new Map<string, Job>();
  /** Signed differences between versions, for IXFR of signed zones (xfr: `ixfr(name, from)`). */
  private readonly journal = new SignedJournal();
  private diffing: Promise<void> = Promise.resolve();
  /** Zone signings done and the time they took (metrics). */
  readonly totals = { signings: 0, seconds: 0, failures: 0 };

  constructor(
    private readonly store: Store,
    readonly opts: SigningOptions,
    /** The zone's current unsigned snapshot (undefined: gone). */
    private readonly current: (name: string) => Zone | undefined,
    /** A signed (or, keys gone, unsigned) snapshot is ready to serve. */
    private readonly ready: (name: string, zone: Zone) => void,
    private readonly onError: (err: Error) => void,
  ) {
    this.crypt = new KeyCrypt(opts.secret);
  }

  async open(): Promise<void> {
    if (this.opts.sign === false) return;
    this.keyed = await keyedZones(this.store.q);
  }

  /** The last signed snapshot of a zone with its keys. */
  signed(name: string): SignedZone | undefined {
    return this.signedZones.get(name);
  }

  get signedNames(): string[] {
    return [...this.signedZones.keys()];
  }

  now(): number {
    return this.opts.signNow?.() ?? Math.floor(Date.now() / 1000);
  }

  /**
   * A zone changed (null: removed). True when its swap must wait for signing (ready() is called then);
   * false when the unsigned snapshot may be served at once (a key check still runs when `check`).
   */
  changed(name: string, zone: Zone | null, check = true): boolean {
    if (zone === null) {
      this.journal.forget(name);
      this.signedZones.delete(name);
      this.keyed.delete(name);
      return false;
    }
    if (this.keyed.has(name)) {
      this.schedule(name);
      return true;
    }
    if (check) this.schedule(name);
    return false;
  }

  /** Signs the zone again now (keys changed, signatures to refresh). */
  resign(name: string): Promise<void> {
    this.schedule(name);
    return this.jobs.get(name)?.running ?? Promise.resolve();
  }

  /**
   * IXFR of a signed zone: the signed differences from `fromSerial` to the served version (`zone`, the
   * snapshot being transferred), oldest first; null when they are not known (then AXFR).
   */
  ixfr(name: string, zone: Zone, fromSerial: number): SignedDiff[] | null {
    const s = this.signedZones.get(name);
    if (s === undefined || s.zone !== zone) return null;
    return this.journal.chain(name, fromSerial, zone.serial);
  }

  /** ixfr() shaped for the transfer writer: each step's old and new SOA (also kept in removed/added). */
  ixfrSteps(name: string, zone: Zone, fromSerial: number): { oldSoa: Rr; newSoa: Rr; removed: Rr[]; added: Rr[] }[] | null {
    const chain = this.ixfr(name, zone, fromSerial);
    if (chain === null) return null;
    const out: { oldSoa: Rr; newSoa: Rr; removed: Rr[]; added: Rr[] }[] = [];
    for (const d of chain) {
      const oldSoa = d.removed.find((r) => r.type === RRType.SOA);
      const newSoa = d.added.find((r) => r.type === RRType.SOA);
      if (oldSoa === undefined || newSoa === undefined) return null;
      out.push({ oldSoa, newSoa, removed: d.removed, added: d.added });
    }
    return out;
  }

  /** Resolves once the signed differences of every version made so far are kept (tests, IXFR). */
  diffsSettled(): Promise<void> {
    return this.diffing;
  }

  /** Resolves when no signing is running or queued. */
  async settled(): Promise<void> {
    for (;;) {
      const running = [...this.jobs.values()].map((j) => j.running).filter((p) => p !== null);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** At most SIGNING_SLOTS zones sign at once (a store of 10,000 signed zones opening, a bulk import). */
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  private slot(): Promise<void> {
    if (this.busy < SIGNING_SLOTS) { this.busy++; return Promise.resolve(); }
    return new Promise((ok) => this.waiting.push(ok));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.busy--;
  }

  private schedule(name: string): void {
    if (this.opts.sign === false) return;
    let job = this.jobs.get(name);
    if (job === undefined) this.jobs.set(name, job = { running: null, again: false });
    if (job.running !== null) { job.again = true; return; }
    const j = job;
    j.running = (async () => {
      do {
        j.again = false;
        await this.slot();
        const t0 = performance.now();
        try {
          await this.signOnce(name);
          this.totals.signings++;
        } catch (err) {
          this.totals.failures++;
          this.onError(err as Error);
        }
        this.totals.seconds += (performance.now() - t0) / 1000;
        this.release();
      } while (j.again);
    })().finally(() => { j.running = null; this.jobs.delete(name); });
  }

  private async signOnce(name: string): Promise<void> {
    const zone = this.current(name);
    if (zone === undefined) return;
    const { keys, denial, unsigning } = await this.store.snapshot(async (q) => {
      if (await q.zoneByName(name) === undefined) return { keys: [], denial: null, unsigning: false };
      return { keys: await loadKeys(q, name, this.crypt), denial: await loadDenial(q, name), unsigning: (await readState(q, name))?.kind === 'unsign' };
    });
    const usable = keys.filter((k) => k.active || k.published);
    if (!keys.some((k) => k.active) || denial === null) {
      this.journal.forget(name);
      const was = this.keyed.delete(name) || this.signedZones.delete(name);
      this.signedZones.delete(name);
      if (was) this.ready(name, zone);
      return;
    }
    this.keyed.add(name);
    const now = this.now();
    const prev = this.signedZones.get(name);
    const opts: SignOptions = {
      now, validity: this.opts.validity, refresh: this.opts.refresh, inceptionOffset: this.opts.inceptionOffset,
      dnskeyTtl: this.opts.dnskeyTtl,
      previous: prev?.zone,
      ...(denial.kind === 'nsec' ? { denial: 'nsec' } : { denial: 'nsec3', nsec3: denial.nsec3 }),
    };
    const ready = usable.filter((k) => k.state === 'ready').map((k) => k.key);
    if (ready.length > 0) { opts.cds = 'publish'; opts.cdsKeys = ready; }
    else if (this.opts.cds === 'always') {
      // RFC 8078 bootstrap: parents that scan for CDS can install or keep the DS without a registrar step
      const sep = usable.filter((k) => k.active && isSep(k.key)).map((k) => k.key);
      if (sep.length > 0) { opts.cds = 'publish'; opts.cdsKeys = sep; }
    }
    if (unsigning) opts.cds = 'delete';
    const signed = await signZoneAsync(zone, usable.map((k) => k.key), opts);
    if (this.current(name) !== zone && this.jobs.get(name)?.again !== true) this.schedule(name);
    this.signedZones.set(name, { zone: signed, keys: usable, signedAt: now });
    this.ready(name, signed);
    // big zones keep no signed differences (two record maps per change): their IXFR is answered by AXFR
    if (prev === undefined || prev.zone.serial === signed.serial || signed.recordCount > MAX_DIFF_RECORDS) this.journal.forget(name);
    else {
      // made after the swap, off the path writers wait on (settled); until it is there IXFR falls back to AXFR
      const from = prev.zone;
      this.diffing = this.diffing.then(() => zoneDiff(from, signed)).then((d) => { this.journal.add(name, d); }, (err: Error) => this.onError(err));
    }
  }

  /** Zones whose oldest signatures may have less than half the refresh margin left. */
  due(now = this.now()): string[] {
    const validity = this.opts.validity ?? DEFAULT_VALIDITY;
    const refresh = this.opts.refresh ?? Math.floor(validity / 4);
    return [...this.signedZones].filter(([, s]) => now - s.signedAt >= refresh / 2).map(([n]) => n);
  }
}

