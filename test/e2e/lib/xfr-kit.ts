import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultConfig } from '../../../src/config/index.js';
import { startServer } from '../../../src/cli/serve.js';
import type { RunningServer } from '../../../src/cli/serve.js';
import { replicationSettings } from '../../../src/cli/xfr-serve.js';
import type { ReplicationFlags } from '../../../src/cli/xfr-serve.js';
import type { SecondaryConfig } from '../../../src/xfr/index.js';
import { RRType, nameFromText, decodeMessage, encodeMessage, rdataToText } from '../../../src/wire/index.js';
import { udpExchange } from '../../../src/xfr/dns-client.js';
import { fetchSerial } from '../../../src/xfr/index.js';

export const SECRET = Buffer.from('replication secret of 32 bytes..').toString('base64');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `geodesic serve` in this process (so a test can write through its catalog the way the API does). */
export async function serveInProcess(data: string, opts: { host?: string; port?: number; flags?: ReplicationFlags; keys?: boolean; secondaries?: SecondaryConfig[]; db?: string } = {}): Promise<RunningServer> {
  const c = defaultConfig();
  c.listen = [{ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 }];
  if (opts.db !== undefined) c.store.db = opts.db;
  else c.store.data = data;
  c.transfer.allow = ['127.0.0.0/8'];
  if (opts.keys === true) c.keys = [{ name: 'xfr-key', algorithm: 'hmac-sha256', secret: SECRET }];
  c.rrl.enabled = false;
  c.pidFile = null;
  const log = pino({ level: process.env.XFR_TEST_LOG ?? 'silent' }, pino.destination(2));
  const settings = replicationSettings(undefined, opts.flags ?? {});
  settings.secondaries.push(...opts.secondaries ?? []);
  return startServer(c, log, undefined, settings);
}

/** The serial `host:port` serves for `zone`, or null when it does not answer. */
export async function serialAt(host: string, port: number, zone: string): Promise<number | null> {
  try {
    return (await fetchSerial({ host, port }, nameFromText(zone.endsWith('.') ? zone : `${zone}.`), null, 1000)).serial;
  } catch {
    return null;
  }
}

/** Answer records (type `type`) for a name, as presentation text; rcode too. */
export async function lookup(host: string, port: number, name: string, type: number): Promise<{ rcode: number; answers: string[] }> {
  const q = encodeMessage({ id: Math.floor(Math.random() * 65536), flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type, class: 1 }], answers: [], authority: [], additional: [], edns: null, tsig: null });
  const m = decodeMessage(await udpExchange({ host, port }, q, 1000));
  return { rcode: m.rcode, answers: m.answers.filter((r) => r.type === type).map((r) => rdataToText(r.type, r.rdata)) };
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 10_000, every = 20): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, every));
  }
}

export const A = RRType.A;

/** Zone records for catalog.createZone: SOA with short timers, NS, and `n` A records. */
export function zoneRecords(zone: string, serial: number, n: number, refresh = 2): { name: string; type: string; ttl?: number; content: string }[] {
  return [
    { name: zone, type: 'SOA', ttl: 60, content: `ns1.${zone} hostmaster.${zone} ${serial} ${refresh} 1 3600 60` },
    { name: zone, type: 'NS', ttl: 60, content: `ns1.${zone}` },
    { name: `ns1.${zone}`, type: 'A', ttl: 60, content: '127.0.0.1' },
    ...Array.from({ length: n }, (_, i) => ({ name: `h${i}.${zone}`, type: 'A', ttl: 60, content: `10.0.${i >> 8}.${i & 255}` })),
  ];
}
