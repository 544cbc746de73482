import type { ApiContext } from './context.js';
import { parseSerialPolicy } from '../catalog/index.js';
import { unprocessable } from './errors.js';
import type { Json } from './json.js';
import { kindFromApi, parsePrimary } from './kinds.js';
import type { ZoneInfo } from './zone-view.js';
import { zoneIdToName } from './zone-id.js';

async function tsigNames(ctx: ApiContext, ids: unknown): Promise<string[]> {
  const known = new Set((await ctx.catalog().store.q.tsigKeys()).map((k) => k.name.toLowerCase().replace(/\.?$/, '.')));
  return (Array.isArray(ids) ? ids : []).map((id) => {
    const name = zoneIdToName(typeof id === 'string' ? id : '');
    if (!known.has(name)) throw unprocessable(`A TSIG key with the name '${name}' does not exist`);
    return name;
  });
}

/**
 * PUT /zones/{zone}: PowerDNS's updateDomainSettingsFromDocument — kind, masters, account, soa_edit_api,
 * soa_edit, api_rectify, dnssec, nsec3param, master_tsig_key_ids, slave_tsig_key_ids. Fields left out stay.
 */
export async function updateZoneSettings(ctx: ApiContext, z: ZoneInfo, doc: Json, author: string): Promise<void> {
  const catalog = ctx.catalog();
  if (z.row === null) {
    // A secondary not transferred yet lives in replication only: adding it again changes its masters.
    const t = ctx.deps.services?.transfer;
    if (t !== undefined && Array.isArray(doc.masters)) {
      const primaries = (doc.masters as unknown[]).map((m) => parsePrimary(typeof m === 'string' ? m : ''));
      await t.addSecondary({ zone: z.name, primaries, kind: z.kind === 'consumer' ? 'consumer' : 'secondary', account: typeof doc.account === 'string' ? doc.account : z.account });
    }
    return;
  }
  const set: { kind?: ReturnType<typeof kindFromApi>; primaries?: string[]; account?: string; serialPolicy?: string } = {};
  if (typeof doc.kind === 'string') set.kind = kindFromApi(doc.kind);
  if (Array.isArray(doc.masters)) set.primaries = (doc.masters as unknown[]).map((m) => parsePrimary(typeof m === 'string' ? m : ''));
  if (typeof doc.account === 'string') set.account = doc.account;
  const meta = new Map<string, string[]>();
  if (typeof doc.soa_edit_api === 'string') {
    meta.set('SOA-EDIT-API', [doc.soa_edit_api]);
    let policy = 'increment';
    try { parseSerialPolicy(doc.soa_edit_api); policy = doc.soa_edit_api; } catch { /* unknown: PowerDNS warns and keeps the serial; we count up */ }
    set.serialPolicy = policy;
  }
  if (typeof doc.soa_edit === 'string') meta.set('SOA-EDIT', [doc.soa_edit]);
  if (typeof doc.api_rectify === 'boolean') meta.set('API-RECTIFY', [doc.api_rectify ? '1' : '0']);
  if (doc.master_tsig_key_ids !== undefined && doc.master_tsig_key_ids !== null) meta.set('TSIG-ALLOW-AXFR', await tsigNames(ctx, doc.master_tsig_key_ids));
  if (doc.slave_tsig_key_ids !== undefined && doc.slave_tsig_key_ids !== null) meta.set('AXFR-MASTER-TSIG', await tsigNames(ctx, doc.slave_tsig_key_ids));

  const status = await catalog.dnssec.status(z.name);
  const wantDnssec = typeof doc.dnssec === 'boolean' ? doc.dnssec : status.dnssec;
  const nsec3 = typeof doc.nsec3param === 'string' ? doc.nsec3param : null;
  if (nsec3 !== null && nsec3 !== '' && !wantDnssec) {
    throw unprocessable(`NSEC3PARAM value provided for zone '${z.name}', but zone is not DNSSEC secured.`);
  }
  await catalog.store.write(async (q) => {
    await q.bumpCounter();
    const row = await q.zoneByName(z.name, true);
    if (row === undefined) throw unprocessable(`Zone ${z.name} is gone`);
    if (Object.keys(set).length > 0) await q.updateZone(row.id, set);
    for (const [kind, values] of meta) await q.setMetadata(row.id, kind, values);
  });
  if (wantDnssec && !status.dnssec) await catalog.dnssec.enable(z.name, { author, ...(nsec3 ? { nsec3param: nsec3 } : {}) });
  else if (!wantDnssec && status.dnssec) await catalog.dnssec.disable(z.name, author);
  else if (wantDnssec && nsec3 !== null && nsec3 !== status.nsec3param) await catalog.dnssec.setNsec3param(z.name, nsec3, author);
}
