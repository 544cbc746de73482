import { CatalogError } from './errors.js';

/** How a write moves the SOA serial: +1, YYYYMMDDnn, or seconds since 1970 (never backwards). */
export type SerialPolicy = 'increment' | 'date' | 'epoch';

/** Our names and PowerDNS SOA-EDIT-API values (DEFAULT, INCREASE, EPOCH, SOA-EDIT, SOA-EDIT-INCREASE). */
const NAMES: Readonly<Record<string, SerialPolicy>> = {
  increment: 'increment', increase: 'increment', 'soa-edit': 'increment', 'soa-edit-increase': 'increment',
  date: 'date', default: 'date', yyyymmddnn: 'date',
  epoch: 'epoch',
};

export function parseSerialPolicy(text: string): SerialPolicy {
  const p = NAMES[text.trim().toLowerCase()];
  if (p === undefined) {
    throw new CatalogError('GDNS_ERR_SERIAL_POLICY', `unknown serial policy "${text}" (increment, date, epoch or a PowerDNS SOA-EDIT-API value)`);
  }
  return p;
}

/** a < b in RFC 1982 serial arithmetic (32 bits). */
export function serialLess(a: number, b: number): boolean {
  return a !== b && ((b - a) >>> 0) < 0x80000000;
}

/** The serial after `old` under `policy` at time `nowMs`: the policy's value if newer, else old + 1. */
export function nextSerial(policy: SerialPolicy, old: number, nowMs: number): number {
  const plusOne = (old + 1) >>> 0;
  let wanted = plusOne;
  if (policy === 'date') {
    const d = new Date(nowMs);
    wanted = (d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100 + 1;
  } else if (policy === 'epoch') {
    wanted = Math.floor(nowMs / 1000) >>> 0;
  }
  return serialLess(old, wanted) ? wanted : plusOne;
}
