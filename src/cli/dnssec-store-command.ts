import { Catalog } from '../catalog/index.js';
import type { KeyInfo } from '../catalog/index.js';
import { openStore } from '../store/index.js';
import { loadConfig } from '../config/index.js';
import { storeLocation } from './store-backup.js';
import type { StoreFlags } from './store-backup.js';
import type { ZoneCommandIo } from './zone-print.js';
import { dnssecSecret } from './dnssec-store-serve.js';

/** Where `geodesic dnssec ... ZONE` finds the store: --data/--db, else the config's store section. */
export interface DnssecStoreFlags extends StoreFlags { config?: string; secretFile?: string }

async function withCatalog<T>(flags: DnssecStoreFlags, fn: (c: Catalog) => Promise<T>): Promise<T> {
  const cfg = flags.config !== undefined ? loadConfig(flags.config).config : null;
  const where = flags.data !== undefined || flags.db !== undefined || cfg === null
    ? storeLocation(flags)
    : cfg.store.db !== null ? { db: cfg.store.db } : { data: cfg.store.data ?? 'data' };
  const dnssec = cfg?.dnssec ?? { keys: null, secretFile: null, validityMs: 0, refreshMs: null, zskLifetimeMs: 0, kskLifetimeMs: 0, propagationDelayMs: 0, cds: 'rollover' as const };
  const secret = dnssecSecret({ ...dnssec, secretFile: flags.secretFile ?? dnssec.secretFile });
  const catalog = await Catalog.open(await openStore(where), { pollMs: 0, dnssec: { secret, sign: false } });
  try {
    return await fn(catalog);
  } finally {
    await catalog.close();
  }
}

function printKeys(zone: string, keys: readonly KeyInfo[], io: ZoneCommandIo): void {
  for (const k of keys) {
    io.out(`key ${k.id} tag ${k.keyTag} ${k.keytype.toUpperCase()} ${k.algorithm} ${k.state}${k.active ? ' active' : ''}${k.published ? ' published' : ''} since ${new Date(k.changedAt).toISOString()}\n`);
    io.out(`${zone} IN DNSKEY ${k.dnskey}\n`);
  }
}

/** The store's `geodesic dnssec` subcommands (keys in the store; a running server re-signs within 2 s). */
export const storeDnssec = {
  async enable(zone: string, flags: DnssecStoreFlags & { algorithm?: string; nsec?: boolean }, io: ZoneCommandIo): Promise<number> {
    return withCatalog(flags, async (c) => {
      await c.dnssec.enable(zone, { algorithm: flags.algorithm, nsec3param: flags.nsec ? '' : undefined, author: 'geodesic dnssec' });
      const st = await c.dnssec.status(zone);
      io.out(`DNSSEC enabled for ${zone} (${st.nsec3param === '' ? 'NSEC' : `NSEC3 ${st.nsec3param}`}); keys in the store\n`);
      io.out('Give your registrar this DS (geodesic dnssec ds):\n');
      for (const line of await c.dnssec.ds(zone)) io.out(`${line}\n`);
      return 0;
    });
  },
  async disable(zone: string, flags: DnssecStoreFlags & { now?: boolean }, io: ZoneCommandIo): Promise<number> {
    return withCatalog(flags, async (c) => {
      if (flags.now) {
        await c.dnssec.disable(zone, 'geodesic dnssec');
        io.out(`DNSSEC disabled for ${zone}: its keys are deleted. If the parent still has a DS, validators fail the zone until it is removed and its TTL has passed\n`);
        return 0;
      }
      await c.dnssec.unsign(zone, 'geodesic dnssec');
      io.out(`${zone} asks its parent to delete the DS (CDS/CDNSKEY delete, RFC 8078). Remove the DS at your registrar if it does not do so by itself;\n` +
        'the server deletes the keys once no parent server has the DS and its TTL has passed (geodesic dnssec ds-seen ZONE confirms it by hand)\n');
      return 0;
    });
  },
  async keys(zone: string, flags: DnssecStoreFlags, io: ZoneCommandIo): Promise<number> {
    return withCatalog(flags, async (c) => {
      const st = await c.dnssec.status(zone);
      io.out(`${zone} DNSSEC ${st.dnssec ? 'enabled' : 'disabled'}, ${st.nsec3param === '' ? 'NSEC' : `NSEC3 ${st.nsec3param}`}\n`);
      printKeys(zone, await c.dnssec.keys(zone), io);
      const r = await c.dnssec.rollovers.state(zone);
      if (r !== null) io.out(`rollover: ${r.kind === 'zsk' ? 'ZSK' : 'KSK/CSK'} at step ${r.step} since ${new Date(r.since).toISOString()} (new key ${r.newKey}, old ${r.oldKeys.join(',')})\n`);
      return 0;
    });
  },
  async ds(zone: string, flags: DnssecStoreFlags & { digest?: string }, io: ZoneCommandIo): Promise<number> {
    return withCatalog(flags, async (c) => {
      const digests = (flags.digest ?? '2,4').split(',').map((d) => d.trim());
      const lines = (await c.dnssec.ds(zone)).filter((l) => digests.includes(l.split(' ')[5]!));
      if (lines.length === 0) { io.err(`geodesic dnssec: ${zone} has no KSK or CSK (geodesic dnssec enable ${zone})\n`); return 1; }
      for (const l of lines) io.out(`${l}\n`);
      return 0;
    });
  },
  async rollover(zone: string, kind: string, flags: DnssecStoreFlags & { algorithm?: string }, io: ZoneCommandIo): Promise<number> {
    if (kind !== 'zsk' && kind !== 'ksk' && kind !== 'csk') { io.err(`geodesic dnssec rollover: the key kind is zsk, ksk or csk, not ${kind}\n`); return 2; }
    return withCatalog(flags, async (c) => {
      const s = await c.dnssec.rollover(zone, kind, { algorithm: flags.algorithm, author: 'geodesic dnssec' });
      io.out(`${kind.toUpperCase()} rollover of ${zone} started: new key ${s.newKey} published; the server moves it on as TTLs pass` +
        `${s.kind === 'sep' ? ' and waits for the parent\'s DS (geodesic dnssec ds ZONE shows it; geodesic dnssec ds-seen ZONE confirms it by hand)' : ''}\n`);
      return 0;
    });
  },
  async dsSeen(zone: string, flags: DnssecStoreFlags, io: ZoneCommandIo): Promise<number> {
    return withCatalog(flags, async (c) => {
      await c.dnssec.rollovers.dsSeen(zone, 'geodesic dnssec');
      io.out(`${zone}: the parent's DS is confirmed; the old key retires after the DS TTL\n`);
      return 0;
    });
  },
};
