import {
  Opcode, RRClass, RRType, Rcode, WireError, decodeMessage, encodeMessage, nameEqual, nameToText, soaSerial, tsigSign,
  tsigVerify,
} from '../wire/index.js';
import type { Message, Name, Rr, TsigKey } from '../wire/index.js';
import { XfrError } from './errors.js';
import { tcpExchange, tcpQuery, udpExchange } from './dns-client.js';
import { peerText } from './peer.js';
import type { Peer } from './peer.js';
import { nodeHmac } from './tsig-keys.js';
import { GEODESIC_XFR_DATA, GEODESIC_XFR_OPTION } from './lua-export.js';

/** One IXFR step (RFC 1995): from one serial to the next, records removed then added (SOAs left out). */
export interface IxfrStep { from: number; to: number; soa: Rr; removed: Rr[]; added: Rr[] }

export type Transfer =
  | { kind: 'current'; serial: number }
  | { kind: 'full'; serial: number; soa: Rr; records: Rr[]; messages: number; bytes: number }
  | { kind: 'incremental'; serial: number; soa: Rr; steps: IxfrStep[]; messages: number; bytes: number };

export interface TransferOptions {
  /** Ask IXFR from this SOA (ours); without it, AXFR. */
  currentSoa?: Rr;
  key?: TsigKey | null;
  /** Most records accepted (Knot CVE-2016-6171, PowerDNS CVE-2022-27227). */
  maxRecords: number;
  maxBytes: number;
  idleMs: number;
  totalMs: number;
}

const RCODES: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 9: 'NOTAUTH', 10: 'NOTZONE' };
const rcodeText = (r: number): string => RCODES[r] ?? `rcode ${r}`;

function query(zone: Name, type: number, authority: Rr[], key: TsigKey | null | undefined, opcode: number = Opcode.QUERY, flags = 0): { wire: Uint8Array; mac: Uint8Array | undefined } {
  const id = Math.floor(Math.random() * 65536);
  const msg: Message = {
    id, flags: flags | (opcode << 11), opcode, rcode: 0, questions: [{ name: zone, type, class: RRClass.IN }],
    answers: opcode === Opcode.NOTIFY ? authority : [], authority: opcode === Opcode.NOTIFY ? [] : authority, additional: [], edns: null, tsig: null,
  };
  // Transfers are marked as Geodesic's: a Geodesic primary then sends LUA records as they are.
  if (type === RRType.AXFR || type === RRType.IXFR) {
    msg.edns = { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options: [{ code: GEODESIC_XFR_OPTION, data: GEODESIC_XFR_DATA }] };
  }
  const wire = encodeMessage(msg);
  if (key === null || key === undefined) return { wire, mac: undefined };
  const s = tsigSign(wire, key, nodeHmac);
  return { wire: s.message, mac: s.mac };
}

function verify(m: Uint8Array, key: TsigKey, mac: Uint8Array | undefined, continuation: boolean, peer: Peer): Uint8Array {
  const v = tsigVerify(m, (n) => (nameEqual(n, key.name) ? key : undefined), nodeHmac, { requestMac: mac, timersOnly: continuation });
  if (v.error !== 0 || v.mac === null) {
    throw new XfrError('GDNS_ERR_XFR_TSIG', `${peerText(peer)}: the answer's TSIG does not verify with key ${nameToText(key.name)} (${v.error === Rcode.FORMERR ? 'unsigned' : rcodeText(v.error)})`);
  }
  return v.mac;
}

function decode(m: Uint8Array, peer: Peer): Message {
  try {
    return decodeMessage(m);
  } catch (err) {
    if (err instanceof WireError) throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${peerText(peer)}: malformed answer: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The serial of a zone at `peer` (SOA over UDP, TCP when truncated), signed with `key` when given. */
export async function fetchSerial(peer: Peer, zone: Name, key: TsigKey | null, timeoutMs: number): Promise<{ serial: number; soa: Rr }> {
  const q = query(zone, RRType.SOA, [], key);
  let raw = await udpExchange(peer, q.wire, timeoutMs);
  if ((raw[2]! & 0x02) !== 0) raw = await tcpQuery(peer, q.wire, timeoutMs);
  if (key !== null) verify(raw, key, q.mac, false, peer);
  const m = decode(raw, peer);
  if (m.rcode !== 0) throw new XfrError('GDNS_ERR_XFR_REFUSED', `${peerText(peer)} answered the SOA query for ${nameToText(zone)} with ${rcodeText(m.rcode)}`);
  const soa = m.answers.find((r) => r.type === RRType.SOA && nameEqual(r.name, zone));
  if (soa === undefined || (m.flags & 0x0400) === 0) {
    throw new XfrError('GDNS_ERR_XFR_REFUSED', `${peerText(peer)} is not authoritative for ${nameToText(zone)} (no SOA with AA in its answer)`);
  }
  return { serial: soaSerial(soa.rdata), soa };
}

/** Sends a NOTIFY for `zone` (with its SOA) and waits for the acknowledgement. */
export async function sendNotify(peer: Peer, zone: Name, soa: Rr | null, key: TsigKey | null, timeoutMs: number): Promise<void> {
  const q = query(zone, RRType.SOA, soa === null ? [] : [soa], key, Opcode.NOTIFY, 0x0400);
  const raw = await udpExchange(peer, q.wire, timeoutMs);
  const m = decode(raw, peer);
  if (m.opcode !== Opcode.NOTIFY || (m.flags & 0x8000) === 0) throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${peerText(peer)}: the answer to NOTIFY is not a NOTIFY response`);
  if (m.rcode !== 0) throw new XfrError('GDNS_ERR_XFR_REFUSED', `${peerText(peer)} answered NOTIFY for ${nameToText(zone)} with ${rcodeText(m.rcode)}`);
  if (key !== null) verify(raw, key, q.mac, false, peer);
}

/**
 * Transfers `zone` from `peer` over TCP: IXFR when `currentSoa` is given (RFC 1995; the server may answer
 * with the whole zone instead), else AXFR (RFC 5936). Every message is checked (ID, rcode, TSIG) and the
 * result is returned only when the closing SOA arrived: nothing partial ever reaches the caller.
 */
export async function fetchTransfer(peer: Peer, zone: Name, opts: TransferOptions): Promise<Transfer> {
  const ixfr = opts.currentSoa !== undefined;
  const ours = ixfr ? soaSerial(opts.currentSoa!.rdata) : -1;
  const q = query(zone, ixfr ? RRType.IXFR : RRType.AXFR, ixfr ? [opts.currentSoa!] : [], opts.key);
  const id = (q.wire[0]! << 8) | q.wire[1]!;
  let mac = q.mac;
  let messages = 0;
  let bytes = 0;
  let count = 0;
  let first: Rr | null = null;
  let serial = 0;
  let mode: 'start' | 'full' | 'del' | 'add' = 'start';
  const records: Rr[] = [];
  const steps: IxfrStep[] = [];
  let result: Transfer | null = null;
  const where = `${peerText(peer)}, zone ${nameToText(zone)}`;
  const take = (rr: Rr): boolean => {
    if (++count > opts.maxRecords) throw new XfrError('GDNS_ERR_XFR_TOO_BIG', `${where}: more than ${opts.maxRecords} records (the size cap)`);
    if (rr.class !== RRClass.IN) throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${where}: a record of class ${rr.class}, not IN`);
    const isSoa = rr.type === RRType.SOA;
    if (first === null) {
      if (!isSoa || !nameEqual(rr.name, zone)) throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${where}: the transfer does not start with the zone's SOA`);
      first = rr;
      serial = soaSerial(rr.rdata);
      return false;
    }
    if (mode === 'start') {
      if (ixfr && isSoa && count === 2 && soaSerial(rr.rdata) !== serial) {
        mode = 'del';
        steps.push({ from: soaSerial(rr.rdata), to: 0, soa: rr, removed: [], added: [] });
        return false;
      }
      mode = 'full';
      records.push(first);
    }
    if (mode === 'full') {
      if (isSoa) {
        result = { kind: 'full', serial, soa: first, records, messages, bytes };
        return true;
      }
      records.push(rr);
      return false;
    }
    const step = steps.at(-1)!;
    if (mode === 'del') {
      if (isSoa) { step.to = soaSerial(rr.rdata); step.soa = rr; mode = 'add'; } else step.removed.push(rr);
      return false;
    }
    if (isSoa) {
      const s = soaSerial(rr.rdata);
      if (s === serial && step.to === serial) {
        result = { kind: 'incremental', serial, soa: first, steps, messages, bytes };
        return true;
      }
      if (s !== step.to) throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${where}: IXFR step starts at serial ${s}, the previous one ended at ${step.to}`);
      steps.push({ from: s, to: 0, soa: rr, removed: [], added: [] });
      mode = 'del';
      return false;
    }
    step.added.push(rr);
    return false;
  };
  await tcpExchange(peer, q.wire, (raw) => {
    if (raw.length < 12 || ((raw[0]! << 8) | raw[1]!) !== id) throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${where}: an answer with another message ID`);
    if (opts.key) mac = verify(raw, opts.key, mac, messages > 0, peer);
    messages++;
    bytes += raw.length;
    const m = decode(raw, peer);
    if (m.rcode !== 0) throw new XfrError('GDNS_ERR_XFR_REFUSED', `${where}: the primary answered ${ixfr ? 'IXFR' : 'AXFR'} with ${rcodeText(m.rcode)}`);
    for (const rr of m.answers) if (take(rr)) return true;
    // A lone SOA not newer than ours: the zone is current (RFC 1995 §2).
    if (ixfr && count === 1 && first !== null && !serialNewer(ours, serial)) {
      result = { kind: 'current', serial };
      return true;
    }
    return false;
  }, { idleMs: opts.idleMs, totalMs: opts.totalMs, maxBytes: opts.maxBytes });
  if (result === null) throw new XfrError('GDNS_ERR_XFR_MALFORMED', `${where}: the transfer ended without its closing SOA`);
  return result;
}

/** b is newer than a (RFC 1982). */
export function serialNewer(a: number, b: number): boolean {
  return a !== b && ((b - a) >>> 0) < 0x80000000;
}
