import {
  Flag, Opcode, RRType, Rcode, WireError, decodeMessage, encodeMessage, nameKey, nameToText,
  soaSerial, tsigSign, tsigVerify,
} from '../wire/index.js';
import type { Message, Rr, TsigKey } from '../wire/index.js';
import type { ClientInfo } from '../engine/index.js';
import type { Zone } from '../zone/index.js';
import type { AddressList } from './acl.js';
import { addressText } from './peer.js';
import { nodeHmac } from './tsig-keys.js';
import type { KeyRing } from './tsig-keys.js';
import { serialNewer } from './transfer-in.js';
import { packSets, packTransfer, zoneSequence } from './transfer-writer.js';
import { GEODESIC_XFR_OPTION } from './lua-export.js';
import type { Rec } from './transfer-writer.js';

/** How a handler answers over TCP (net's HandoffReply): several messages, then done. */
export interface TransferReply {
  send(msg: Uint8Array): boolean;
  drained(): Promise<void>;
  done(): void;
  readonly closed: boolean;
}

/** Per-zone transfer rules (PowerDNS metadata ALLOW-AXFR-FROM, TSIG-ALLOW-AXFR). */
export interface ZoneTransferRules {
  /** Replaces the server-wide list for this zone when not null. */
  allowFrom: AddressList | null;
  /** Keys whose signed requests may transfer this zone from anywhere. */
  tsigAllow: string[];
}

/** One IXFR difference (RFC 1995): the SOAs before and after, and the records removed and added. */
export interface IxfrDiff { oldSoa: Rr; newSoa: Rr; removed: Rr[]; added: Rr[] }

export interface TransferSource {
  /** The zone served for this name (exact origin). */
  zone(key: string): Zone | undefined;
  /** Differences from `fromSerial` to the served serial, oldest first; null when they are not known (AXFR). */
  diffs(zone: Zone, fromSerial: number): Promise<IxfrDiff[] | null>;
  rules(zone: Zone): Promise<ZoneTransferRules>;
  keys(): Promise<KeyRing>;
  /**
   * The zone as this client gets it (ALIAS expanded, LUA as static answers...), or null: as served. A
   * changed zone is sent whole (IXFR answered with AXFR). `geodesic`: the client marked its request
   * as a Geodesic secondary.
   */
  expand?(zone: Zone, client: ClientInfo, geodesic: boolean): Promise<Zone | null>;
}

export interface TransferServerOptions {
  /** Clients allowed to transfer any zone (unless the zone has its own list). */
  allow: AddressList;
  /** A key every transfer must be signed with (config transfer.tsig-key); null: none required. */
  require: string | null;
  /** Called with transfers served (for status and logs). */
  onTransfer?: (e: { zone: string; client: string; kind: 'AXFR' | 'IXFR' | 'IXFR-current' | 'refused'; serial: number; messages: number; reason?: string }) => void;
}

/**
 * Serves AXFR (RFC 5936) and IXFR (RFC 1995, from the journal; the whole zone when it does not reach
 * back) over TCP, with TSIG (RFC 8945) and the server-wide and per-zone ACLs. Refusals are answered.
 * Messages are made one at a time from the served snapshot and written as the socket drains: a big zone
 * is never copied.
 */
export async function serveTransfer(source: TransferSource, opts: TransferServerOptions, message: Uint8Array,
  client: ClientInfo, reply: TransferReply): Promise<void> {
  let msg: Message;
  try {
    msg = decodeMessage(message);
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    reply.done();
    return;
  }
  const q = msg.questions[0];
  if (msg.opcode !== Opcode.QUERY || q === undefined) return refuse(reply, msg, Rcode.NOTIMP);
  const who = addressText(client.address);
  const keys = await source.keys();
  let key: TsigKey | null = null;
  let mac: Uint8Array | null = null;
  if (msg.tsig !== null) {
    const v = tsigVerify(message, (n) => keys.find(n), nodeHmac);
    if (v.error !== 0 || v.key === null) return refuse(reply, msg, Rcode.NOTAUTH);
    key = v.key;
    mac = v.mac;
  }
  const done = (kind: 'AXFR' | 'IXFR' | 'IXFR-current' | 'refused', serial: number, messages: number, reason?: string): void => {
    opts.onTransfer?.({ zone: nameToText(q.name).toLowerCase(), client: who, kind, serial, messages, ...(reason !== undefined ? { reason } : {}) });
  };
  const zone = source.zone(nameKey(q.name));
  if (zone === undefined) { done('refused', 0, 0, 'not served here'); return refuse(reply, msg, Rcode.NOTAUTH, key, mac); }
  const rules = await source.rules(zone);
  const keyName = key === null ? null : nameToText(key.name).replace(/\.$/, '').toLowerCase();
  const byKey = keyName !== null && rules.tsigAllow.some((k) => k.replace(/\.$/, '').toLowerCase() === keyName);
  const list = rules.allowFrom ?? opts.allow;
  const requireOk = opts.require === null || keyName === opts.require.replace(/\.$/, '').toLowerCase();
  if (!byKey && !(list.has(who) && requireOk)) {
    done('refused', zone.serial, 0, key === null ? 'address not allowed or no TSIG' : 'address or key not allowed');
    return refuse(reply, msg, key === null && opts.require !== null ? Rcode.NOTAUTH : Rcode.REFUSED, key, mac);
  }
  let sent: Zone | null = null;
  try {
    const geodesic = msg.edns?.options.some((o) => o.code === GEODESIC_XFR_OPTION) ?? false;
    sent = source.expand === undefined ? null : await source.expand(zone, client, geodesic);
  } catch (err) {
    done('refused', zone.serial, 0, `cannot prepare the zone: ${(err as Error).message}`);
    return refuse(reply, msg, Rcode.SERVFAIL, key, mac);
  }
  let messages: Iterable<Uint8Array>;
  let kind: 'AXFR' | 'IXFR' | 'IXFR-current' = 'AXFR';
  const header = { id: msg.id, qname: q.name, qtype: q.type, qclass: q.class };
  if (sent !== null) {
    messages = packSets(header, zone.origin, zoneSequence(sent));
  } else if (q.type === RRType.IXFR) {
    const theirs = msg.authority.find((r) => r.type === RRType.SOA);
    const from = theirs === undefined ? null : soaSerial(theirs.rdata);
    if (from !== null && !serialNewer(from, zone.serial)) {
      kind = 'IXFR-current';
      messages = packTransfer(header, zone.origin, [[zone.origin, RRType.SOA, zone.soa.ttl, zone.soa.rdata[0]!]]);
    } else {
      const diffs = from === null ? null : await source.diffs(zone, from);
      if (diffs !== null && diffs.length > 0) {
        kind = 'IXFR';
        messages = packTransfer(header, zone.origin, ixfrSequence(zone, diffs));
      } else {
        messages = packSets(header, zone.origin, zoneSequence(zone));
      }
    }
  } else {
    messages = packSets(header, zone.origin, zoneSequence(zone));
  }
  let first = true;
  let count = 0;
  for (const m of messages) {
    let out = m;
    if (key !== null) {
      const signed = tsigSign(m, key, nodeHmac, { requestMac: mac ?? undefined, timersOnly: !first });
      out = signed.message;
      mac = signed.mac;
    }
    first = false;
    count++;
    if (reply.closed) break;
    if (!reply.send(out)) await reply.drained();
  }
  done(kind, zone.serial, count);
  reply.done();
}

function* ixfrSequence(zone: Zone, diffs: readonly IxfrDiff[]): Generator<Rec> {
  const soa: Rec = [zone.origin, RRType.SOA, zone.soa.ttl, zone.soa.rdata[0]!];
  yield soa;
  for (const d of diffs) {
    yield [d.oldSoa.name, RRType.SOA, d.oldSoa.ttl, d.oldSoa.rdata];
    for (const r of d.removed) if (r.type !== RRType.SOA) yield [r.name, r.type, r.ttl, r.rdata];
    yield [d.newSoa.name, RRType.SOA, d.newSoa.ttl, d.newSoa.rdata];
    for (const r of d.added) if (r.type !== RRType.SOA) yield [r.name, r.type, r.ttl, r.rdata];
  }
  yield soa;
}

/** An error answer (signed when the request was, so the client can tell it is ours). */
export function errorAnswer(msg: Message, rcode: number, key: TsigKey | null = null, mac: Uint8Array | null = null, flags = 0): Uint8Array {
  const wire = encodeMessage({
    id: msg.id, flags: Flag.QR | flags | (msg.opcode << 11) | (rcode & 0xf), opcode: msg.opcode, rcode,
    questions: msg.questions, answers: [], authority: [], additional: [], edns: null, tsig: null,
  });
  if (key === null) return wire;
  return tsigSign(wire, key, nodeHmac, { requestMac: mac ?? undefined }).message;
}

function refuse(reply: TransferReply, msg: Message, rcode: number, key: TsigKey | null = null, mac: Uint8Array | null = null): void {
  reply.send(errorAnswer(msg, rcode, key, mac));
  reply.done();
}

