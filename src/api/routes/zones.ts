import type { FastifyRequest } from 'fastify';
import { typeFromText, typeToText } from '../../wire/index.js';
import type { ApiContext, ApiPlugin } from '../context.js';
import { ApiError, notFound, unprocessable } from '../errors.js';
import { kindToApi } from '../kinds.js';
import { asObject } from '../json.js';
import { apiName, zoneIdToName } from '../zone-id.js';
import { listZoneInfos, zoneDetail, zoneInfo, zoneSummary } from '../zone-view.js';
import type { ZoneInfo } from '../zone-view.js';
import { checkConflicts, parsePatch, toChangeSet } from '../patch.js';
import type { PatchItem } from '../patch.js';
import { CatalogError } from '../../catalog/index.js';
import { parseZoneCreation } from '../zone-create.js';
import { updateZoneSettings } from '../zone-settings.js';
import { writeZone } from '../write.js';
import { zoneDoc, zoneListDoc, patchDoc, createDoc } from '../schemas.js';

type Q = Record<string, string | undefined>;
type P = { zone_id: string };

/** The zone a URL names, or 404; `access` checked for the request's principal first. */
export async function zoneFromUrl(ctx: ApiContext, req: FastifyRequest, write: boolean): Promise<ZoneInfo> {
  const name = zoneIdToName((req.params as P).zone_id);
  ctx.authorize(req, { zone: name, write });
  const z = await zoneInfo(ctx, name);
  if (z === undefined) throw notFound();
  return z;
}

function author(req: FastifyRequest): string {
  return req.principal?.label ?? 'api';
}

function boolParam(q: Q, key: string, fallback: boolean): boolean {
  const v = q[key];
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw unprocessable(`'${key}' request parameter value '${v}' is not supported`);
}

/** The catalog's CNAME finding in PowerDNS's words ("RRset X IN T: Conflicts with pre-existing RRset"). */
function conflictMessage(err: unknown, items: readonly PatchItem[]): unknown {
  const m = err instanceof CatalogError && err.code === 'GDNS_ERR_ZONE_CHECK' ? /^(\S+): a CNAME cannot stand beside/.exec(err.message) : null;
  if (m === null) return err;
  const item = items.find((i) => i.name === m[1] && i.type === 'CNAME') ?? items.find((i) => i.name === m[1]);
  return item === undefined ? err : unprocessable(`RRset ${item.name} IN ${item.type}: Conflicts with pre-existing RRset`, err);
}

/** /zones and /zones/{zone_id}: list, create, read, change settings, PATCH RRsets, delete. */
export const zoneRoutes: ApiPlugin = async (app, ctx) => {
  const base = `/api/v1/servers/${ctx.serverId}/zones`;

  app.get(base, { schema: zoneListDoc }, async (req) => {
    const q = req.query as Q;
    let zones: ZoneInfo[];
    if (q.zone !== undefined) {
      const z = await zoneInfo(ctx, apiName(q.zone, false));
      zones = z === undefined ? [] : [z];
    } else {
      zones = await listZoneInfos(ctx);
    }
    const withDnssec = q.dnssec !== 'false';
    const visible = zones.filter((z) => ctx.may(req, { zone: z.name, write: false }));
    const signed = withDnssec && ctx.deps.catalog !== null ? await ctx.deps.catalog.dnssec.signedZoneNames() : undefined;
    return Promise.all(visible.map((z) => zoneSummary(ctx, z, withDnssec, signed)));
  });

  app.post(base, { schema: createDoc }, async (req, reply) => {
    const catalog = ctx.catalog();
    const doc = asObject(req.body);
    const name = typeof doc.name === 'string' ? apiName(doc.name, false) : '';
    if (name !== '') {
      ctx.authorize(req, { zone: name, write: true });
      if (await zoneInfo(ctx, name) !== undefined) throw new ApiError(409, 'Conflict');
    }
    const c = await parseZoneCreation(doc, catalog, Date.now());
    ctx.authorize(req, { zone: c.name, write: true });
    if (c.spec.kind === 'secondary' || c.spec.kind === 'consumer') {
      // A secondary is stored by its first transfer (the catalog holds no zone without an SOA).
      const t = ctx.deps.services?.transfer;
      if (t === undefined) throw unprocessable('zone transfers are not running in this server: cannot create a secondary zone');
      if (c.spec.primaries === undefined || c.spec.primaries.length === 0) throw unprocessable(`Zone ${c.name} of kind ${kindToApi(c.spec.kind)} needs masters`);
      await t.addSecondary({ zone: c.name, primaries: c.spec.primaries, kind: c.spec.kind, account: c.spec.account ?? '' });
      void reply.code(201);
      const pending: ZoneInfo = { name: c.name, source: 'store', kind: c.spec.kind, primaries: c.spec.primaries, account: c.spec.account ?? '', serial: 0, soaEditApi: 'DEFAULT', row: null };
      return zoneDetail(ctx, pending, true, { includeDisabled: true });
    }
    await writeZone(ctx, c.name, async () => {
      await catalog.createZone(c.spec, author(req));
      await catalog.store.write(async (q) => {
        const row = (await q.zoneByName(c.name))!;
        for (const [kind, values] of c.metadata) await q.setMetadata(row.id, kind, values);
        for (const k of c.comments) {
          const code = typeFromText(k.type);
          await q.replaceComments(row.id, k.name, code, k.comments.map((m) => ({
            name: k.name, type: code, account: m.account ?? '', content: m.content, modifiedAt: m.modified_at ?? Math.floor(Date.now() / 1000),
          })));
        }
      });
      // NSEC3 "1 0 0 -" unless nsec3param is given ("" for NSEC; PowerDNS defaults to NSEC: docs/api-compat.md);
      // signing a new zone leaves its serial alone, as PowerDNS.
      if (c.dnssec) await catalog.dnssec.enable(c.name, { author: author(req), serial: false, ...(c.nsec3param !== undefined ? { nsec3param: c.nsec3param } : {}) });
    });
    const z = (await zoneInfo(ctx, c.name))!;
    void reply.code(201);
    return zoneDetail(ctx, z, true, { includeDisabled: true });
  });

  app.get(`${base}/:zone_id`, { schema: zoneDoc }, async (req) => {
    const z = await zoneFromUrl(ctx, req, false);
    const q = req.query as Q;
    const rrsets = boolParam(q, 'rrsets', true);
    const filter = {
      includeDisabled: boolParam(q, 'include_disabled', true),
      ...(q.rrset_name !== undefined ? { name: apiName(q.rrset_name.endsWith('.') ? q.rrset_name : `${q.rrset_name}.`) } : {}),
      ...(q.rrset_name !== undefined && q.rrset_type !== undefined ? { type: q.rrset_type } : {}),
    };
    const doc = await zoneDetail(ctx, z, rrsets, filter);
    if (Array.isArray(doc.rrsets)) {
      doc.rrsets = (doc.rrsets as { name: string; type: string }[]).filter((s) => ctx.may(req, { zone: z.name, name: s.name, type: s.type, write: false }));
    }
    return doc;
  });

  app.patch(`${base}/:zone_id`, { schema: patchDoc }, async (req, reply) => {
    const name = zoneIdToName((req.params as P).zone_id);
    const z = await zoneInfo(ctx, name);
    if (z === undefined) { ctx.authorize(req, { zone: name, write: false }); throw notFound(); }
    const items = parsePatch(req.body, z.name);
    for (const i of items) ctx.authorize(req, { zone: z.name, name: i.name, type: i.type, write: true });
    const catalog = ctx.catalog();
    const base = async (name: string, type: string): Promise<{ ttl: number; records: { content: string; disabled: boolean }[] }> => {
      const rows = z.row === null ? [] : await catalog.store.q.rrset(z.row.id, name, typeFromText(type));
      return { ttl: rows[0]?.ttl ?? 3600, records: rows.map((r) => ({ content: r.content, disabled: r.disabled })) };
    };
    const typesAt = async (name: string): Promise<Set<string>> =>
      new Set(z.row === null ? [] : (await catalog.store.q.typesAt(z.row.id, name)).map((t) => typeToText(t)));
    const out = await writeZone(ctx, z.name, async () => {
      await checkConflicts(items, z.name, typesAt);
      return catalog.apply(z.name, await toChangeSet(items, base), author(req));
    }).catch((err: unknown) => {
      throw conflictMessage(err, items);
    });
    void reply.headers({ 'x-pdns-old-serial': String(out.serialBefore), 'x-pdns-new-serial': String(out.serialAfter) });
    return reply.code(204).send();
  });

  app.put(`${base}/:zone_id`, { schema: { summary: 'Change zone settings (kind, masters, account, soa_edit_api, dnssec...)', tags: ['zones'] } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    await writeZone(ctx, z.name, () => updateZoneSettings(ctx, z, asObject(req.body ?? {}), author(req)));
    return reply.code(204).send();
  });

  app.delete(`${base}/:zone_id`, { schema: { summary: 'Delete a zone and everything in it', tags: ['zones'] } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    const t = ctx.deps.services?.transfer;
    await writeZone(ctx, z.name, () => (t?.isSecondary(z.name) === true ? t.removeSecondary(z.name) : ctx.catalog().deleteZone(z.name, author(req))));
    return reply.code(204).send();
  });
};
