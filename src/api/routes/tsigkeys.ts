import { randomBytes } from 'node:crypto';
import type { TsigKeyRow } from '../../store/index.js';
import type { ApiPlugin } from '../context.js';
import { ApiError, unprocessable } from '../errors.js';
import { asObject, stringFrom } from '../json.js';
import { zoneIdToName, zoneNameToId } from '../zone-id.js';

/** TSIG algorithms PowerDNS knows, with their digest sizes (a generated secret is that long). */
const ALGORITHMS: Readonly<Record<string, number>> = {
  'hmac-md5': 16, 'hmac-md5.sig-alg.reg.int': 16, 'hmac-sha1': 20, 'hmac-sha224': 28, 'hmac-sha256': 32, 'hmac-sha384': 48, 'hmac-sha512': 64,
};

const noDot = (s: string): string => s.toLowerCase().replace(/\.$/, '');

function algorithmOf(text: string): string {
  const a = noDot(text);
  if (ALGORITHMS[a] === undefined) throw unprocessable(`Unknown TSIG algorithm: ${a}`);
  return a === 'hmac-md5.sig-alg.reg.int' ? 'hmac-md5' : a;
}

function checkBase64(key: string, message: string): void {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(key) || key.length % 4 === 1) throw unprocessable(message);
}

const json = (k: TsigKeyRow, withKey: boolean): Record<string, unknown> => ({
  name: noDot(k.name), id: zoneNameToId(`${noDot(k.name)}.`), algorithm: k.algorithm, key: withKey ? k.secret : '', type: 'TSIGKey',
});

/** /tsigkeys[/{id}] — keys in the store (xfr uses them for transfers and NOTIFY). Secrets need write access. */
export const tsigKeyRoutes: ApiPlugin = async (app, ctx) => {
  const base = `/api/v1/servers/${ctx.serverId}/tsigkeys`;
  const find = async (id: string): Promise<TsigKeyRow> => {
    const name = noDot(zoneIdToName(id));
    const k = (await ctx.catalog().store.q.tsigKeys()).find((x) => noDot(x.name) === name);
    if (k === undefined) throw new ApiError(404, `TSIG key with name '${name}' not found`);
    return k;
  };

  app.get(base, { schema: { summary: 'TSIG keys (without secrets)', tags: ['tsigkeys'] } }, async (req) => {
    ctx.authorize(req, { write: false });
    if (ctx.deps.catalog === null) return [];
    return (await ctx.deps.catalog.store.q.tsigKeys()).map((k) => json(k, false));
  });

  app.post(base, { schema: { summary: 'Add a TSIG key (a secret is generated when none is given)', tags: ['tsigkeys'] } }, async (req, reply) => {
    ctx.authorize(req, { write: true });
    const doc = asObject(req.body);
    const name = noDot(zoneIdToName(stringFrom(doc, 'name')));
    const algorithm = stringFrom(doc, 'algorithm');
    const store = ctx.catalog().store;
    if ((await store.q.tsigKeys()).some((k) => noDot(k.name) === name)) throw new ApiError(409, `A TSIG key with the name '${name}' already exists`);
    const alg = algorithmOf(algorithm);
    let secret = typeof doc.key === 'string' ? doc.key : '';
    if (secret === '') secret = randomBytes(ALGORITHMS[alg]!).toString('base64');
    checkBase64(secret, `TSIG content '${secret}' cannot be base64-decoded`);
    const row = { name, algorithm: alg, secret };
    await store.write((q) => q.putTsigKey(row));
    await ctx.deps.services?.transfer?.keysChanged?.();
    void reply.code(201);
    return json(row, true);
  });

  app.get(`${base}/:id`, { schema: { summary: 'One TSIG key with its secret', tags: ['tsigkeys'] } }, async (req) => {
    ctx.authorize(req, { write: true });
    return json(await find((req.params as { id: string }).id), true);
  });

  app.put(`${base}/:id`, { schema: { summary: 'Rename a TSIG key or change its algorithm or secret', tags: ['tsigkeys'] } }, async (req) => {
    ctx.authorize(req, { write: true });
    const old = await find((req.params as { id: string }).id);
    const doc = req.body === undefined ? {} : asObject(req.body);
    const next = { ...old };
    if (typeof doc.name === 'string') next.name = noDot(zoneIdToName(doc.name));
    if (typeof doc.algorithm === 'string') next.algorithm = algorithmOf(doc.algorithm);
    if (typeof doc.key === 'string') { checkBase64(doc.key, `Can not base64 decode key content '${doc.key}'`); next.secret = doc.key; }
    await ctx.catalog().store.write(async (q) => {
      await q.putTsigKey(next);
      if (noDot(next.name) !== noDot(old.name)) await q.deleteTsigKey(old.name);
    });
    await ctx.deps.services?.transfer?.keysChanged?.();
    return json(next, true);
  });

  app.delete(`${base}/:id`, { schema: { summary: 'Delete a TSIG key', tags: ['tsigkeys'] } }, async (req, reply) => {
    ctx.authorize(req, { write: true });
    const k = await find((req.params as { id: string }).id);
    await ctx.catalog().store.write((q) => q.deleteTsigKey(k.name));
    await ctx.deps.services?.transfer?.keysChanged?.();
    return reply.code(204).send();
  });
};
