import { nameFromText, nameToText, typeToText } from '../../wire/index.js';
import { searchComments, searchRecords } from '../../store/index.js';
import type { ApiPlugin } from '../context.js';
import { ApiError, unprocessable } from '../errors.js';
import { apiName, zoneNameToId } from '../zone-id.js';
import { listZoneInfos } from '../zone-view.js';
import { pdnsContent } from '../pdns-text.js';

const started = Date.now();

/** PowerDNS SimpleMatch: `*` any run, `?` one character, case-insensitive. */
function simpleMatch(pattern: string): (s: string) => boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (s) => re.test(s);
}

/** /search-data, /statistics, /config, /cache/flush, and /metrics (public, from allow-from networks). */
export const serverToolRoutes: ApiPlugin = async (app, ctx) => {
  const base = `/api/v1/servers/${ctx.serverId}`;

  app.get(`${base}/search-data`, { schema: { summary: 'Search zones, records and comments (q with * and ?)', tags: ['search'] } }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const text = q.q ?? '';
    if (text === '') throw unprocessable("Query q can't be blank");
    const max = q.max !== undefined && q.max !== '' ? parseInt(q.max, 10) : 100;
    if (!(max >= 1)) throw unprocessable('Maximum entries must be larger than 0');
    const type = q.object_type ?? 'all';
    if (!['all', 'zone', 'record', 'comment'].includes(type)) {
      throw unprocessable('object_type must be one of the following options: all, zone, record, comment');
    }
    const match = simpleMatch(text);
    const out: Record<string, unknown>[] = [];
    const zones = await listZoneInfos(ctx);
    if (type === 'all' || type === 'zone') {
      for (const z of zones) {
        if (out.length >= max) break;
        if ((match(z.name) || match(z.name.slice(0, -1))) && ctx.may(req, { zone: z.name, write: false })) out.push({ object_type: 'zone', zone_id: zoneNameToId(z.name), name: z.name });
      }
    }
    const seen = (zone: string, name: string, t: string): boolean => ctx.may(req, { zone, name, type: t, write: false });
    if ((type === 'all' || type === 'record') && ctx.deps.catalog !== null) {
      for (const r of await searchRecords(ctx.deps.catalog.store.q, text, max)) {
        const t = typeToText(r.type);
        if (!seen(r.zone, r.name, t)) continue;
        out.push({ object_type: 'record', name: r.name, type: t, ttl: r.ttl, disabled: r.disabled, content: pdnsContent(r.type, r.content), zone_id: zoneNameToId(r.zone), zone: r.zone });
      }
    }
    if ((type === 'all' || type === 'comment') && ctx.deps.catalog !== null) {
      for (const c of await searchComments(ctx.deps.catalog.store.q, text, max)) {
        const t = typeToText(c.type);
        if (!seen(c.zone, c.name, t)) continue;
        out.push({ object_type: 'comment', name: c.name, type: t, content: c.content, zone_id: zoneNameToId(c.zone), zone: c.zone });
      }
    }
    return out;
  });

  app.get(`${base}/statistics`, { schema: { summary: 'Server statistics (StatisticItem list)', tags: ['server'] } }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const items = [
      { name: 'uptime', type: 'StatisticItem' as const, value: String(Math.floor((Date.now() - started) / 1000)) },
      { name: 'zone-count', type: 'StatisticItem' as const, value: String((await listZoneInfos(ctx)).length) },
      ...(await ctx.deps.services?.statistics?.() ?? []),
    ];
    if (q.statistic !== undefined && q.statistic !== '') {
      const one = items.find((i) => i.name === q.statistic);
      if (one === undefined) throw unprocessable('Unknown statistic name');
      return [one];
    }
    return items;
  });

  app.get(`${base}/config`, { schema: { summary: 'Server settings (ConfigSetting list)', tags: ['server'] } }, async () => {
    const given = ctx.deps.services?.config?.() ?? [];
    const names = new Set(given.map((s) => s.name));
    const defaults = [{ name: 'launch', value: 'geodesic' }, { name: 'api', value: 'yes' }, { name: 'api-key', value: '***' }].filter((d) => !names.has(d.name));
    return [...defaults, ...given].sort((a, b) => a.name.localeCompare(b.name)).map((s) => ({ type: 'ConfigSetting', name: s.name, value: s.value }));
  });

  app.put(`${base}/cache/flush`, { schema: { summary: 'Drop cached answers for a name and below', tags: ['server'] } }, async (req) => {
    const domain = (req.query as Record<string, string | undefined>).domain ?? '';
    const name = apiName(domain);
    ctx.authorize(req, { zone: name, write: true });
    const count = ctx.deps.services?.flushCache?.(nameToText(nameFromText(name))) ?? 0;
    return { count, result: 'Flushed cache.' };
  });

  app.get('/metrics', { config: { public: true }, schema: { summary: 'Prometheus metrics (no key needed from allow-from networks)', tags: ['server'] } }, async (_req, reply) => {
    const m = ctx.deps.services?.metrics;
    if (m === undefined) throw new ApiError(404, 'metrics are off in this server');
    const { contentType, text } = await m();
    return reply.type(contentType).send(text);
  });
};
