import { isIP } from 'node:net';
import type { ApiPlugin } from '../context.js';
import { ApiError, unprocessable } from '../errors.js';
import { asObject, stringFrom } from '../json.js';

/** Autoprimaries (PowerDNS supermasters): primaries whose NOTIFY may create secondary zones. Setting `autoprimaries` (JSON). */
export interface Autoprimary { ip: string; nameserver: string; account: string }
export const AUTOPRIMARIES_SETTING = 'autoprimaries';

export const autoprimaryRoutes: ApiPlugin = async (app, ctx) => {
  const base = `/api/v1/servers/${ctx.serverId}/autoprimaries`;
  const load = async (): Promise<Autoprimary[]> => {
    if (ctx.deps.catalog === null) return [];
    const text = await ctx.deps.catalog.store.q.setting(AUTOPRIMARIES_SETTING);
    try { return text === undefined ? [] : JSON.parse(text) as Autoprimary[]; } catch { return []; }
  };
  const save = (list: Autoprimary[]): Promise<void> => ctx.catalog().store.write((q) => q.putSetting(AUTOPRIMARIES_SETTING, JSON.stringify(list)));

  app.get(base, { schema: { summary: 'Autoprimaries', tags: ['autoprimaries'] } }, async (req) => {
    ctx.authorize(req, { write: false });
    return load();
  });

  app.post(base, { schema: { summary: 'Add an autoprimary (ip, nameserver, account)', tags: ['autoprimaries'] } }, async (req, reply) => {
    ctx.authorize(req, { write: true });
    const doc = asObject(req.body);
    const a: Autoprimary = { ip: stringFrom(doc, 'ip'), nameserver: stringFrom(doc, 'nameserver'), account: typeof doc.account === 'string' ? doc.account : '' };
    if (a.ip === '' || a.nameserver === '') throw unprocessable('ip and nameserver fields must be filled');
    if (isIP(a.ip) === 0) throw unprocessable(`${a.ip} is not an IP address`);
    const list = (await load()).filter((x) => !(x.ip === a.ip && x.nameserver === a.nameserver));
    await save([...list, a]);
    return reply.code(201).send();
  });

  app.delete(`${base}/:ip/:nameserver`, { schema: { summary: 'Remove an autoprimary', tags: ['autoprimaries'] } }, async (req, reply) => {
    ctx.authorize(req, { write: true });
    const p = req.params as { ip: string; nameserver: string };
    const list = await load();
    const rest = list.filter((x) => !(x.ip === p.ip && x.nameserver === p.nameserver));
    if (rest.length === list.length) throw new ApiError(404, null);
    await save(rest);
    return reply.code(204).send();
  });
};
