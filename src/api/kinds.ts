import { isIP } from 'node:net';
import type { ZoneKind } from '../store/index.js';
import { unprocessable } from './errors.js';

/** Zone kinds as PowerDNS 4.7 echoes them. */
const ECHO: Readonly<Record<ZoneKind, string>> = {
  native: 'Native', primary: 'Master', secondary: 'Slave', producer: 'Producer', consumer: 'Consumer',
};

export const kindToApi = (k: ZoneKind): string => ECHO[k];

/**
 * Any PowerDNS spelling, case-insensitive. PowerDNS 4.7 makes anything unknown Native; Geodesic says no
 * (a typo in `kind` would otherwise silently make a zone that never transfers).
 */
export function kindFromApi(text: string): ZoneKind {
  const t = text.toUpperCase();
  if (t === 'SECONDARY' || t === 'SLAVE') return 'secondary';
  if (t === 'PRIMARY' || t === 'MASTER') return 'primary';
  if (t === 'PRODUCER') return 'producer';
  if (t === 'CONSUMER') return 'consumer';
  if (t === 'NATIVE') return 'native';
  throw unprocessable(`Zone kind '${text}' is not one of Native, Master (Primary), Slave (Secondary), Producer, Consumer`);
}

export const isSecondaryKind = (k: ZoneKind): boolean => k === 'secondary' || k === 'consumer';

/**
 * A primary's address as PowerDNS accepts it (`IP`, `IP:PORT`, `[IPv6]:PORT`, bare IPv6), in the form
 * PowerDNS echoes (port 53 left out; IPv6 with a port in brackets).
 */
export function parsePrimary(text: string): string {
  if (text === '') throw unprocessable('Master can not be an empty string');
  let host = text;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket !== null) {
    host = bracket[1]!;
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else if (isIP(text) === 0) {
    const i = text.lastIndexOf(':');
    if (i > 0 && /^\d+$/.test(text.slice(i + 1))) { host = text.slice(0, i); port = Number(text.slice(i + 1)); }
  }
  if (isIP(host) === 0 || (bracket !== null && isIP(host) !== 6) || port < 1 || port > 65535) {
    throw unprocessable(`Master (${text}) is not an IP address: Unable to convert presentation address '${text}'`);
  }
  if (port === 53) return host;
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
