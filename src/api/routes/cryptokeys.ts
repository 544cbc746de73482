import type { FastifyRequest } from 'fastify';
import { AppError } from '../../lib/index.js';
import { algorithmOf, iscPrivateKey, makeKey, parseIscPrivateKey } from '../../dnssec/index.js';
import type { DnssecKey } from '../../dnssec/index.js';
import type { KeyInfo } from '../../catalog/index.js';
import type { ApiContext, ApiPlugin } from '../context.js';
import { badRequest, notFound, unprocessable } from '../errors.js';
import { asObject, boolFrom } from '../json.js';
import { writeZone } from '../write.js';
import { zoneFromUrl } from './zones.js';

type P = { zone_id: string; cryptokey_id?: string };

/** PowerDNS's Cryptokey object (the private key only for one key: GET by id, POST's answer). */
function cryptokey(k: KeyInfo, withPrivate: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {
    type: 'Cryptokey', id: k.id, active: k.active, published: k.published, keytype: k.keytype, flags: k.flags,
    dnskey: k.dnskey, algorithm: k.algorithm, bits: k.bits,
  };
  if (k.flags === 257) o.ds = k.ds;
  if (withPrivate) o.privatekey = iscPrivateKey(k.key);
  return o;
}

/** DNSSEC failures of lower modules are the request's fault (422), except a missing/wrong secret. */
async function dnssecErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.code.startsWith('GDNS_ERR_DNSSEC') && err.code !== 'GDNS_ERR_DNSSEC_SECRET') {
      throw unprocessable(err.message, err);
    }
    throw err;
  }
}

function keyId(req: FastifyRequest): number {
  const id = (req.params as P).cryptokey_id ?? '';
  if (!/^\d+$/.test(id)) throw badRequest();
  return Number(id);
}

const BITS: Record<number, number> = { 8: 2048, 13: 256, 14: 384, 15: 256 };

/**
 * /zones/{zone_id}/cryptokeys (PowerDNS 4.7): list, add (generated or imported BIND private key),
 * read one (with its private key), activate/deactivate and publish/unpublish, delete. A zone with an
 * active key is served signed; every change raises the serial (one transaction) and is answered once
 * the re-signed zone is served.
 */
export const cryptokeyRoutes: ApiPlugin = async (app, ctx: ApiContext) => {
  const base = `/api/v1/servers/${ctx.serverId}/zones/:zone_id/cryptokeys`;
  const tags = ['zonecryptokey'];
  const author = (req: FastifyRequest): string => req.principal?.label ?? 'api';

  app.get(base, { schema: { summary: 'The DNSSEC keys of a zone (without private keys)', tags } }, async (req) => {
    const z = await zoneFromUrl(ctx, req, false);
    if (z.source === 'file') return [];
    return (await ctx.catalog().dnssec.keys(z.name)).map((k) => cryptokey(k, false));
  });

  app.get(`${base}/:cryptokey_id`, { schema: { summary: 'One DNSSEC key, with its private key (BIND format)', tags } }, async (req) => {
    // The private key: only for keys that may change the zone as a whole (not read-only or name-scoped keys).
    const z = await zoneFromUrl(ctx, req, true);
    const id = keyId(req);
    if (z.source === 'file') throw notFound();
    const k = (await ctx.catalog().dnssec.keys(z.name)).find((x) => x.id === id);
    if (k === undefined) throw notFound();
    return cryptokey(k, true);
  });

  app.post(base, { schema: { summary: 'Add a DNSSEC key (generated, or imported with privatekey); an active key signs the zone', tags } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    const body = asObject(req.body ?? {});
    const keytype = body.keytype;
    if (typeof keytype !== 'string') throw unprocessable("Key 'keytype' not present or not a String");
    if (keytype !== 'ksk' && keytype !== 'zsk' && keytype !== 'csk') throw unprocessable(`Invalid keytype ${keytype}`);
    const active = boolFrom(body, 'active', false);
    const published = boolFrom(body, 'published', true);
    const priv = body.privatekey ?? body.content;
    let key: DnssecKey | undefined;
    let algorithm: number | undefined;
    let bits: number | undefined;
    if (priv !== undefined && priv !== null) {
      if ((body.bits !== undefined && body.bits !== null) || (body.algorithm !== undefined && body.algorithm !== null)) {
        throw unprocessable("Either you submit just the 'privatekey' field or you leave 'privatekey' empty and submit the other fields.");
      }
      if (typeof priv !== 'string') throw unprocessable("Key 'privatekey' not present or not a String");
      const parsed = await dnssecErrors(async () => parseIscPrivateKey(priv));
      key = makeKey(parsed.algorithm, parsed.privateKey, { flags: keytype === 'zsk' ? 256 : 257, active, published });
    } else {
      const a = body.algorithm;
      if (typeof a === 'string' || typeof a === 'number') {
        try { algorithm = algorithmOf(a).number; } catch { throw unprocessable(`Unknown algorithm: ${String(a)}`); }
      } else if (a !== undefined && a !== null) {
        throw unprocessable('Unknown algorithm: ');
      }
      const b = body.bits;
      if (b !== undefined && b !== null) {
        if (typeof b !== 'number' || !Number.isInteger(b) || b < 0) throw unprocessable("'bits' must be a positive integer value");
        if (b !== 0 && b !== BITS[algorithm ?? 13]) throw unprocessable('The algorithm does not support the given bit size.');
        bits = b;
      }
    }
    const info = await writeZone(ctx, z.name, () => dnssecErrors(() => ctx.catalog().dnssec.addKey(z.name, {
      keytype, active, published, algorithm, bits, key, author: author(req),
    })));
    return reply.code(201).send(cryptokey(info, true));
  });

  app.put(`${base}/:cryptokey_id`, { schema: { summary: 'Activate or deactivate, publish or unpublish a DNSSEC key', tags } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    const id = keyId(req);
    const body = asObject(req.body ?? {});
    const active = boolFrom(body, 'active');
    const published = boolFrom(body, 'published', true);
    if (z.source === 'file') throw unprocessable(`Zone ${z.name} is served from a zone file, which the API does not change (edit the file and reload)`);
    const keys = await ctx.catalog().dnssec.keys(z.name);
    if (!keys.some((k) => k.id === id)) throw notFound();
    await writeZone(ctx, z.name, () => dnssecErrors(() => ctx.catalog().dnssec.setKey(z.name, id, { active, published }, author(req))));
    return reply.code(204).send();
  });

  // Geodesic's own: everything a DNSSEC page shows, and the rollover controls PowerDNS has no API for.
  const g = '/api/v1/geodesic/zones/:zone_id/dnssec';
  const gtags = ['geodesic'];
  app.get(g, { schema: { summary: 'DNSSEC of a zone: status, keys with their states, the running rollover, DS for the registrar', tags: gtags } }, async (req) => {
    const z = await zoneFromUrl(ctx, req, false);
    if (z.source === 'file') return { zone: z.name, source: 'file', dnssec: false, keys: [], rollover: null, ds: [] };
    const d = ctx.catalog().dnssec;
    const [status, keys, rollover, ds] = await Promise.all([d.status(z.name), d.keys(z.name), d.rollovers.state(z.name), d.ds(z.name)]);
    return {
      zone: z.name, source: 'store', ...status, ds,
      keys: keys.map((k) => ({ ...cryptokey(k, false), state: k.state, keyTag: k.keyTag, createdAt: k.createdAt, changedAt: k.changedAt })),
      rollover,
    };
  });
  app.post(`${g}/rollover`, { schema: { summary: 'Start a key rollover: {"keytype": "zsk"|"ksk"|"csk", "algorithm"?}', tags: gtags } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    const body = asObject(req.body ?? {});
    const kind = body.keytype ?? 'csk';
    if (kind !== 'zsk' && kind !== 'ksk' && kind !== 'csk') throw unprocessable(`Invalid keytype ${String(kind)}`);
    const algorithm = typeof body.algorithm === 'string' || typeof body.algorithm === 'number' ? body.algorithm : undefined;
    const state = await writeZone(ctx, z.name, () => dnssecErrors(() => ctx.catalog().dnssec.rollover(z.name, kind, { algorithm, author: author(req) })));
    return reply.code(201).send(state);
  });
  app.post(`${g}/unsign`, { schema: { summary: 'Turn DNSSEC off safely: CDS/CDNSKEY delete, keys deleted once the parent has no DS (RFC 8078)', tags: gtags } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    const state = await writeZone(ctx, z.name, () => dnssecErrors(() => ctx.catalog().dnssec.unsign(z.name, author(req))));
    return reply.code(201).send(state);
  });
  app.post(`${g}/ds-seen`, { schema: { summary: 'Confirm that the parent publishes the new DS (a KSK/CSK rollover waiting for it)', tags: gtags } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    await writeZone(ctx, z.name, () => dnssecErrors(() => ctx.catalog().dnssec.rollovers.dsSeen(z.name, author(req))));
    return reply.code(204).send();
  });

  app.delete(`${base}/:cryptokey_id`, { schema: { summary: 'Delete a DNSSEC key', tags } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, true);
    const id = keyId(req);
    if (z.source === 'file') throw unprocessable(`Zone ${z.name} is served from a zone file, which the API does not change (edit the file and reload)`);
    const keys = await ctx.catalog().dnssec.keys(z.name);
    if (!keys.some((k) => k.id === id)) throw notFound();
    await writeZone(ctx, z.name, () => ctx.catalog().dnssec.deleteKey(z.name, id, author(req)));
    return reply.code(204).send();
  });
};


