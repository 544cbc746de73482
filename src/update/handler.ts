import { Flag, Opcode, RRType, Rcode, decodeMessage, encodeMessage, nameToText, tsigSign, tsigVerify, typeToText } from '../wire/index.js';
import type { Message, TsigKey } from '../wire/index.js';
import { CatalogError } from '../catalog/index.js';
import type { Catalog } from '../catalog/index.js';
import { AllowFrom, parseScopes, scopesAllow } from '../api/index.js';
import type { Scope } from '../api/index.js';
import { KeyRing, nodeHmac } from '../xfr/index.js';
import { planUpdate } from './plan.js';

/** A TSIG key that may sign UPDATEs, and what it may change (null: anything the zone's metadata allows). */
export interface UpdateKey { name: string; algorithm: string; secret: string; scopes: Scope[] | null }

export interface UpdateOptions {
  /** Networks unsigned UPDATEs are accepted from, for zones without ALLOW-DNSUPDATE-FROM metadata (default none). */
  allowFrom?: readonly string[];
  /** Keys of the configuration (the store's TSIG keys count too). */
  keys?: readonly UpdateKey[];
  /** Zones served from files (read-only): their UPDATEs are refused rather than unknown. */
  servedElsewhere?: (zone: string) => boolean;
}

/** What happened to one UPDATE (for the log). */
export interface UpdateOutcome { zone: string; client: string; key: string | null; rcode: number; reason: string; changed: Array<{ name: string; type: string }> }

const addressText = (a: Uint8Array): string => (a.length === 4 ? a.join('.') : Array.from({ length: 8 }, (_, i) => ((a[2 * i]! << 8) | a[2 * i + 1]!).toString(16)).join(':'));

/**
 * RFC 2136 dynamic updates of the store's zones, authorized as PowerDNS does (ALLOW-DNSUPDATE-FROM and
 * TSIG-ALLOW-DNSUPDATE metadata) and by the signing key's scopes (the same scopes as API keys), written
 * through the catalog (one transaction, SOA serial by the zone's policy, journaled with the key or address
 * as author) and answered once DNS serves the change. Updates of one zone run one at a time.
 */
export class UpdateHandler {
  private readonly allowFrom: AllowFrom;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly catalog: Catalog, private readonly opts: UpdateOptions = {}, private readonly onOutcome: (o: UpdateOutcome) => void = () => undefined) {
    this.allowFrom = new AllowFrom(opts.allowFrom ?? []);
  }

  /** The response to an UPDATE message (null: not an UPDATE, or unreadable: no answer). */
  async handle(message: Uint8Array, client: { address: Uint8Array }): Promise<Uint8Array | null> {
    let m: Message;
    try {
      m = decodeMessage(message);
    } catch {
      return null;
    }
    if (m.opcode !== Opcode.UPDATE || (m.flags & Flag.QR) !== 0) return null;
    const from = addressText(client.address);
    const q = m.questions[0];
    if (m.questions.length !== 1 || q === undefined || q.type !== RRType.SOA) return this.answer(m, Rcode.FORMERR, null, null);
    const zone = nameToText(q.name).toLowerCase();
    const done = (rcode: number, reason: string, key: TsigKey | null, mac: Uint8Array | null, changed: UpdateOutcome['changed'] = []): Uint8Array => {
      this.onOutcome({ zone, client: from, key: key === null ? null : nameToText(key.name), rcode, reason, changed });
      return this.answer(m, rcode, key, mac);
    };
    // TSIG first: a bad signature is NOTAUTH whatever the zone (RFC 8945 §5.2).
    let key: TsigKey | null = null;
    let mac: Uint8Array | null = null;
    let scopes: Scope[] | null = null;
    const keys = await this.keys();
    if (m.tsig !== null) {
      const v = tsigVerify(message, (n) => keys.ring.find(n), nodeHmac);
      if (v.error !== 0 || v.key === null) return done(Rcode.NOTAUTH, `TSIG verification failed (error ${v.error})`, null, null);
      key = v.key;
      mac = v.mac;
      scopes = keys.scopes.get(nameToText(key.name).toLowerCase()) ?? null;
    }
    const stored = this.catalog.zone(zone);
    if (stored === undefined) {
      return this.opts.servedElsewhere?.(zone) === true
        ? done(Rcode.REFUSED, 'the zone is served from a zone file (read-only); change the file', key, mac)
        : done(Rcode.NOTAUTH, 'not a zone of this server', key, mac);
    }
    return this.serialized(zone, async () => {
      const row = await this.catalog.store.q.zoneByName(zone);
      if (row !== undefined && row.kind !== 'native' && row.kind !== 'primary') return done(Rcode.REFUSED, `the zone is a ${row.kind} zone: update its primary`, key, mac);
      if (this.catalog.readOnly) return done(Rcode.REFUSED, 'this node reads a read-only database', key, mac);
      const meta = row === undefined ? new Map<string, string[]>() : await this.metadata(row.id);
      const allowFrom = meta.get('ALLOW-DNSUPDATE-FROM');
      const tsigAllowed = meta.get('TSIG-ALLOW-DNSUPDATE')?.map((k) => k.toLowerCase().replace(/\.?$/, '.'));
      const keyName = key === null ? null : nameToText(key.name).toLowerCase();
      if (allowFrom !== undefined && !new AllowFrom(allowFrom).allows(from)) return done(Rcode.REFUSED, `${from} is not in the zone's ALLOW-DNSUPDATE-FROM`, key, mac);
      if (tsigAllowed !== undefined && (keyName === null || !tsigAllowed.includes(keyName))) {
        return done(Rcode.REFUSED, keyName === null ? 'the zone takes only TSIG-signed updates' : `key ${keyName} is not in the zone's TSIG-ALLOW-DNSUPDATE`, key, mac);
      }
      if (key === null && allowFrom === undefined && !this.allowFrom.allows(from)) {
        return done(Rcode.REFUSED, `unsigned update from ${from}, which is not in update.allow-from`, key, mac);
      }
      for (const rr of m.authority) {
        const access = { zone, name: nameToText(rr.name).toLowerCase(), type: typeToText(rr.type === RRType.ANY ? RRType.ANY : rr.type), write: true };
        if (scopes !== null && !scopesAllow(scopes, access)) {
          return done(Rcode.REFUSED, `key ${keyName} may not change ${access.name} ${access.type}`, key, mac);
        }
      }
      await this.catalog.settled();
      const current = this.catalog.zone(zone)!;
      const plan = planUpdate(m, current);
      if (plan.rcode !== 0 || !('edits' in plan)) return done(plan.rcode, 'reason' in plan ? plan.reason : 'refused', key, mac);
      if (plan.edits.length === 0) return done(Rcode.NOERROR, 'nothing to change', key, mac);
      try {
        await this.catalog.apply(zone, { rrsets: plan.edits }, keyName !== null ? `tsig:${keyName}` : `update:${from}`);
        await this.catalog.settled();
      } catch (err) {
        if (err instanceof CatalogError) return done(Rcode.REFUSED, err.message, key, mac);
        return done(Rcode.SERVFAIL, (err as Error).message, key, mac);
      }
      return done(Rcode.NOERROR, 'applied', key, mac, plan.touched);
    });
  }

  private serialized<T>(zone: string, fn: () => Promise<T>): Promise<T> {
    const before = this.queues.get(zone) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.queues.set(zone, tail);
    void tail.then(() => { if (this.queues.get(zone) === tail) this.queues.delete(zone); });
    return run;
  }

  private async keys(): Promise<{ ring: KeyRing; scopes: Map<string, Scope[] | null> }> {
    const scopes = new Map<string, Scope[] | null>();
    const texts = [];
    for (const k of await this.catalog.store.q.tsigKeys()) {
      texts.push(k);
      scopes.set(k.name.toLowerCase().replace(/\.?$/, '.'), k.scopes === null || k.scopes === undefined ? null : parseScopes(k.scopes));
    }
    for (const k of this.opts.keys ?? []) {
      texts.push(k);
      scopes.set(k.name.toLowerCase().replace(/\.?$/, '.'), k.scopes);
    }
    return { ring: KeyRing.of(texts), scopes };
  }

  private async metadata(zoneId: number): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const m of await this.catalog.store.q.metadata(zoneId)) out.set(m.kind.toUpperCase(), [...(out.get(m.kind.toUpperCase()) ?? []), ...m.content.split(/[\s,]+/).filter((s) => s !== '')]);
    return out;
  }

  /** The response: the zone section echoed, the rcode, signed with the request's key when it was signed. */
  private answer(m: Message, rcode: number, key: TsigKey | null, mac: Uint8Array | null): Uint8Array {
    const out = encodeMessage({
      id: m.id, flags: Flag.QR, opcode: Opcode.UPDATE, rcode, questions: m.questions.slice(0, 1),
      answers: [], authority: [], additional: [], edns: null, tsig: null,
    });
    if (key === null) return out;
    return tsigSign(out, key, nodeHmac, mac !== null ? { requestMac: mac } : {}).message;
  }
}

