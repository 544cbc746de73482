import type { ApiPlugin } from '../context.js';
import { unprocessable } from '../errors.js';
import { asObject } from '../json.js';
import { writeZone } from '../write.js';
import { zoneMetadata } from '../zone-view.js';
import { zoneFromUrl } from './zones.js';

/** PowerDNS's metadata kinds the API accepts (isValidMetadataKind); X-* kinds are free. */
const BUILTIN = new Set([
  'ALLOW-AXFR-FROM', 'AXFR-SOURCE', 'ALLOW-DNSUPDATE-FROM', 'TSIG-ALLOW-DNSUPDATE', 'FORWARD-DNSUPDATE', 'SOA-EDIT-DNSUPDATE',
  'NOTIFY-DNSUPDATE', 'ALSO-NOTIFY', 'AXFR-MASTER-TSIG', 'GSS-ALLOW-AXFR-PRINCIPAL', 'GSS-ACCEPTOR-PRINCIPAL', 'IXFR',
  'LUA-AXFR-SCRIPT', 'NSEC3NARROW', 'NSEC3PARAM', 'PRESIGNED', 'PUBLISH-CDNSKEY', 'PUBLISH-CDS', 'SLAVE-RENOTIFY', 'SOA-EDIT',
  'TSIG-ALLOW-AXFR', 'TSIG-ALLOW-DNSUPDATE',
]);
/** Kinds that only the server's own logic changes (zone PUT, cryptokeys). */
const PROTECTED = new Set(['API-RECTIFY', 'AXFR-MASTER-TSIG', 'NSEC3NARROW', 'NSEC3PARAM', 'PRESIGNED', 'LUA-AXFR-SCRIPT', 'TSIG-ALLOW-AXFR']);

export function validMetadataKind(kind: string, readOnly: boolean): boolean {
  if (kind.startsWith('X-')) return true;
  return BUILTIN.has(kind) && (readOnly || !PROTECTED.has(kind));
}

function stringsOf(doc: Record<string, unknown>): string[] {
  if (!Array.isArray(doc.metadata)) throw unprocessable('metadata is not specified or not an array');
  return (doc.metadata as unknown[]).map((v) => {
    if (typeof v !== 'string') throw unprocessable('metadata must be strings');
    return v;
  });
}

/** /zones/{zone_id}/metadata[/{kind}] (PowerDNS semantics; stored in zone_metadata, read by xfr and dnssec). */
export const metadataRoutes: ApiPlugin = async (app, ctx) => {
  const base = `/api/v1/servers/${ctx.serverId}/zones/:zone_id/metadata`;
  const doc = (kind: string, metadata: string[]): Record<string, unknown> => ({ type: 'Metadata', kind, metadata });
  const rowOf = (z: { row: { id: number } | null; name: string }): number => {
    if (z.row === null) throw unprocessable(`Zone ${z.name} is served from a zone file, which has no metadata`);
    return z.row.id;
  };

  app.get(base, { schema: { summary: 'All metadata of a zone', tags: ['metadata'] } }, async (req) => {
    const z = await zoneFromUrl(ctx, req, false);
    const m = await zoneMetadata(ctx, z);
    return [...m.keys()].sort().map((k) => doc(k, m.get(k)!));
  });

  app.post(base, { schema: { summary: 'Add metadata values of one kind', tags: ['metadata'] } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    const body = asObject(req.body);
    if (typeof body.kind !== 'string') throw unprocessable('kind is not specified or not a string');
    const kind = body.kind;
    if (!validMetadataKind(kind, false)) throw unprocessable(`Unsupported metadata kind '${kind}'`);
    const values = stringsOf(body);
    const id = rowOf(z);
    const merged = await writeZone(ctx, z.name, () => ctx.catalog().store.write(async (q) => {
      const now = (await q.metadata(id)).filter((e) => e.kind === kind).map((e) => e.content);
      for (const v of values) if (!now.includes(v)) now.push(v);
      await q.setMetadata(id, kind, now);
      return now;
    }));
    void reply.code(201);
    return doc(kind, merged);
  });

  app.get(`${base}/:kind`, { schema: { summary: 'Metadata values of one kind', tags: ['metadata'] } }, async (req) => {
    const z = await zoneFromUrl(ctx, req, false);
    const kind = (req.params as { kind: string }).kind;
    if (!validMetadataKind(kind, true)) throw unprocessable(`Unsupported metadata kind '${kind}'`);
    return doc(kind, (await zoneMetadata(ctx, z)).get(kind) ?? []);
  });

  app.put(`${base}/:kind`, { schema: { summary: 'Replace the metadata values of one kind', tags: ['metadata'] } }, async (req) => {
    const z = await zoneFromUrl(ctx, req, true);
    const kind = (req.params as { kind: string }).kind;
    if (!validMetadataKind(kind, false)) throw unprocessable(`Unsupported metadata kind '${kind}'`);
    const values = stringsOf(asObject(req.body));
    const id = rowOf(z);
    await writeZone(ctx, z.name, () => ctx.catalog().store.write((q) => q.setMetadata(id, kind, values)));
    return doc(kind, values);
  });

  app.delete(`${base}/:kind`, { schema: { summary: 'Delete the metadata of one kind', tags: ['metadata'] } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    const kind = (req.params as { kind: string }).kind;
    if (!validMetadataKind(kind, false)) throw unprocessable(`Unsupported metadata kind '${kind}'`);
    const id = rowOf(z);
    await writeZone(ctx, z.name, () => ctx.catalog().store.write((q) => q.setMetadata(id, kind, [])));
    return reply.code(204).send();
  });
};
