import type { ApiPlugin } from '../context.js';
import { ApiError, unprocessable } from '../errors.js';
import { scopeWritesIn } from '../scope.js';
import { isSecondaryKind } from '../kinds.js';
import { noteNotified, zoneRRsets } from '../zone-view.js';
import { zoneFromUrl } from './zones.js';

/** /zones/{zone_id}/export, /notify, /axfr-retrieve, /rectify. */
export const zoneToolRoutes: ApiPlugin = async (app, ctx) => {
  const base = `/api/v1/servers/${ctx.serverId}/zones/:zone_id`;

  app.get(`${base}/export`, { schema: { summary: 'The zone as a master file (name, TTL, IN, type, content per line)', tags: ['zones'] } }, async (req, reply) => {
    const z = await zoneFromUrl(ctx, req, false);
    const sets = (await zoneRRsets(ctx, z, { includeDisabled: false }))
      .filter((s) => ctx.may(req, { zone: z.name, name: s.name, type: s.type, write: false }))
      .reverse();
    const soa = sets.findIndex((s) => s.type === 'SOA' && s.name === z.name);
    if (soa > 0) sets.unshift(...sets.splice(soa, 1));
    let text = '';
    for (const s of sets) for (const r of s.records) text += `${s.name}\t${s.ttl}\tIN\t${s.type}\t${r.content}\n`;
    if ((req.headers.accept ?? '').includes('application/json')) return { zone: text };
    return reply.type('text/plain; charset=us-ascii').send(text);
  });

  app.put(`${base}/notify`, { schema: { summary: "Send NOTIFY to the zone's secondaries", tags: ['zones'] } }, async (req) => {
    const z = await zoneFromUrl(ctx, req, false);
    const p = req.principal!;
    if (!p.scopes.some((s) => scopeWritesIn(s, z.name))) throw new ApiError(403, `${p.kind} "${p.label}" may not change anything in ${z.name}, so it may not NOTIFY it`);
    const t = ctx.deps.services?.transfer;
    const result = t !== undefined ? await t.notify(z.name) : 'Notification queued';
    noteNotified(ctx, z.name, z.serial);
    return { result };
  });

  app.put(`${base}/axfr-retrieve`, { schema: { summary: 'Transfer a secondary zone from its primaries now', tags: ['zones'] } }, async (req) => {
    const z = await zoneFromUrl(ctx, req, true);
    if (z.primaries.length === 0 || !isSecondaryKind(z.kind)) {
      throw unprocessable(`Domain '${z.name}' is not a slave domain (or has no master defined)`);
    }
    const t = ctx.deps.services?.transfer;
    if (t === undefined) throw unprocessable('zone transfers are not running in this server');
    // Queued, as PowerDNS does: the transfer's outcome shows in the zone's serial and the log.
    void t.retrieve(z.name).catch(() => undefined);
    return { result: `Added retrieval request for '${z.name}' from master ${z.primaries[0]!}` };
  });

  app.put(`${base}/rectify`, { schema: { summary: 'Rectify the zone (Geodesic keeps zones rectified: a no-op)', tags: ['zones'] } }, async (req) => {
    await zoneFromUrl(ctx, req, true);
    return { result: 'Rectified' };
  });
};
