import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { zoneName } from '../../catalog/index.js';
import type { RRsetEdit } from '../../catalog/index.js';
import type { JournalEntry, RRsetState, StoreTables } from '../../store/index.js';
import { nameFromText, nameToText, rdataToText, soaSerial, typeFromText, typeToText } from '../../wire/index.js';
import { keyOf, parseZoneText, ZoneFileError } from '../../zone/index.js';
import type { Zone } from '../../zone/index.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import { body, G, intParam } from './shared.js';
import { luaSyntaxError } from './lua-check.js';
import type { Accounts } from './shared.js';

const TAGS = ['geodesic'];
/** Types the import diff leaves alone: the serial is managed, signatures and denial records are made by signing. */
const MANAGED = new Set([6, 46, 47, 50, 51]);

interface RRsetOut { name: string; type: string; ttl: number; records: { content: string; disabled: boolean }[]; comments: { content: string; account: string; modified_at: number }[] }

function zoneParam(req: FastifyRequest): string {
  try {
    return zoneName((req.params as { zone: string }).zone);
  } catch (e) {
    throw unprocessable(`zone: ${(e as Error).message}`);
  }
}

/** The RRsets of a zone served from a file (read-only through the API), sorted like the store's. */
function fileRRsets(zone: Zone): RRsetOut[] {
  const out: RRsetOut[] = [];
  for (const set of zone.records()) {
    out.push({ name: nameToText(set.name).toLowerCase(), type: typeToText(set.type), ttl: set.ttl,
      records: set.rdata.map((rd) => ({ content: rdataToText(set.type, rd), disabled: false })), comments: [] });
  }
  return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : x.type.localeCompare(y.type)));
}

const changeOut = (c: { name: string; type: number; before: RRsetState | null; after: RRsetState | null }) => ({ ...c, type: typeToText(c.type) });
const entryOut = (e: JournalEntry) => ({ ...e, changes: e.changes.map(changeOut) });

function sameState(a: RRsetState | null, b: RRsetState | null): boolean {
  if (a === null || b === null || a.records.length === 0 || b.records.length === 0) {
    return (a === null || a.records.length === 0) && (b === null || b.records.length === 0);
  }
  const key = (s: RRsetState) => s.records.map((r) => `${r.disabled ? '!' : ''}${r.content}`).sort().join('\n');
  return a.ttl === b.ttl && key(a) === key(b);
}

/**
 * Geodesic's additions for the admin UI (and scripts): zones and RRsets paged and searched on the
 * server, the change history with revert, and an import diff that writes nothing.
 */
export async function zoneRoutes(app: FastifyInstance, a: Accounts): Promise<void> {
  const db = () => a.ctx.catalog().store.db as Kysely<StoreTables>;
  const zoneRow = async (name: string) => {
    const z = await a.ctx.catalog().store.q.zoneByName(name);
    if (z === undefined) throw notFound(`no zone ${name} in the store`);
    return z;
  };

  app.get(`${G}/zones`, { schema: { tags: TAGS, summary: 'Zones with serial and record count; ?q= search, ?offset= &limit= paging' } }, async (req) => {
    const qs = req.query as Record<string, string | undefined>;
    const q = (qs.q ?? '').toLowerCase();
    const offset = intParam(qs.offset, 'offset', 0, 1e9);
    const limit = intParam(qs.limit, 'limit', 50, 1000);
    type Row = { id: number; name: string; kind: string; file?: Zone };
    const stored: Row[] = a.hasStore ? await a.ctx.catalog().listZones() : [];
    const files: Row[] = [...a.ctx.deps.fileZones()].map((z) => ({ id: -1, name: nameToText(z.origin).toLowerCase(), kind: 'native', file: z }));
    const all = [...stored, ...files]
      .filter((z) => z.name.includes(q) && a.ctx.may(req, { zone: z.name, write: false }))
      .sort((x, y) => x.name.localeCompare(y.name));
    const page = all.slice(offset, offset + limit);
    const ids = page.filter((z) => z.file === undefined).map((z) => z.id);
    const counts = new Map<number, number>();
    const serials = new Map<number, number>();
    if (ids.length > 0) {
      const rows = await db().selectFrom('records').select(['zone_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('zone_id', 'in', ids).groupBy('zone_id').execute();
      for (const r of rows) counts.set(r.zone_id, Number(r.n));
      const soas = await db().selectFrom('records').select(['zone_id', 'content']).where('zone_id', 'in', ids).where('type', '=', 6).execute();
      for (const s of soas) serials.set(s.zone_id, Number(s.content.trim().split(/\s+/)[2] ?? 0));
    }
    return {
      total: all.length, offset, limit,
      zones: page.map((z) => z.file !== undefined
        ? { id: z.name, name: z.name, kind: 'Native', serial: soaSerial(z.file.soa.rdata[0]!), records: fileRRsets(z.file).reduce((n, r) => n + r.records.length, 0), source: 'file' }
        : { id: z.name, name: z.name, kind: z.kind[0]!.toUpperCase() + z.kind.slice(1), serial: serials.get(z.id) ?? 0, records: counts.get(z.id) ?? 0, source: 'store' }),
    };
  });

  app.get(`${G}/zones/:zone/rrsets`, { schema: { tags: TAGS, summary: 'RRsets of a zone sorted by name and type; ?q= (name or content contains), ?type=, ?offset=, ?limit=' } }, async (req) => {
    const name = zoneParam(req);
    a.ctx.authorize(req, { zone: name, write: false });
    const qs = req.query as Record<string, string | undefined>;
    const offset = intParam(qs.offset, 'offset', 0, 1e9);
    const limit = intParam(qs.limit, 'limit', 200, 5000);
    const file = a.ctx.zoneSource(name) === 'file' ? a.ctx.deps.fileZones().get(keyOf(nameFromText(name))) : undefined;
    if (file !== undefined) {
      const q = (qs.q ?? '').trim().toLowerCase();
      const type = (qs.type ?? '').toUpperCase();
      const sets = fileRRsets(file).filter((r) => (!type || r.type === type) && (!q || r.name.includes(q) || r.records.some((x) => x.content.toLowerCase().includes(q))));
      return { total: sets.length, offset, limit, source: 'file', rrsets: sets.slice(offset, offset + limit) };
    }
    const z = await zoneRow(name);
    let query = db().selectFrom('records').select(['name', 'type', 'ttl', 'content', 'disabled']).where('zone_id', '=', z.id);
    if (qs.type) {
      let t: number;
      try { t = typeFromText(qs.type.toUpperCase()); } catch { throw unprocessable(`type: unknown record type ${qs.type}`); }
      query = query.where('type', '=', t);
    }
    const q = (qs.q ?? '').trim().toLowerCase();
    if (q) {
      // LIKE narrows (its % and _ act as wildcards, and databases differ on escapes); the exact test follows.
      const like = `%${q}%`;
      query = query.where((eb) => eb.or([eb('name', 'like', like), eb(eb.fn<string>('lower', ['content']), 'like', like)]));
    }
    const rows = (await query.orderBy('name').orderBy('type').orderBy('id').execute())
      .filter((r) => !q || r.name.includes(q) || r.content.toLowerCase().includes(q));
    const sets: RRsetOut[] = [];
    for (const r of rows) {
      const last = sets.at(-1);
      const type = typeToText(r.type);
      if (last && last.name === r.name && last.type === type) last.records.push({ content: r.content, disabled: r.disabled === 1 });
      else sets.push({ name: r.name, type, ttl: Number(r.ttl), records: [{ content: r.content, disabled: r.disabled === 1 }], comments: [] });
    }
    const page = sets.slice(offset, offset + limit);
    if (page.length > 0) {
      const comments = await a.ctx.catalog().store.q.comments(z.id);
      const byKey = new Map<string, RRsetOut>(page.map((s) => [`${s.name}|${s.type}`, s]));
      for (const c of comments) byKey.get(`${c.name}|${typeToText(c.type)}`)?.comments.push({ content: c.content, account: c.account, modified_at: c.modifiedAt });
    }
    return { total: sets.length, offset, limit, source: 'store', rrsets: page };
  });

  app.get(`${G}/zones/:zone/history`, { schema: { tags: TAGS, summary: 'The zone\'s changes, newest first: who, when, serials, RRsets before and after' } }, async (req) => {
    const name = zoneParam(req);
    a.ctx.authorize(req, { zone: name, write: false });
    if (a.ctx.zoneSource(name) === 'file') return [];
    await zoneRow(name);
    const limit = intParam((req.query as Record<string, string | undefined>).limit, 'limit', 100, 1000);
    return (await a.ctx.catalog().history(name, limit)).reverse().map(entryOut);
  });

  app.post(`${G}/zones/:zone/history/:id/revert`, { schema: { tags: TAGS, summary: 'Undo one change: its RRsets go back to their state before it (409 if changed since)' } }, async (req) => {
    const name = zoneParam(req);
    const p = a.ctx.authorize(req, { zone: name, write: true });
    const z = await zoneRow(name);
    const id = Number((req.params as { id: string }).id);
    if (!Number.isInteger(id) || id < 1) throw notFound(`no change ${(req.params as { id: string }).id}`);
    const entry = (await a.ctx.catalog().store.q.journal(z.id, id - 1, 1))[0];
    if (entry === undefined || entry.id !== id) throw notFound(`zone ${name} has no change ${id}`);
    const edits: RRsetEdit[] = [];
    for (const c of entry.changes) {
      if (MANAGED.has(c.type)) continue;
      a.ctx.authorize(req, { zone: name, name: c.name, type: typeToText(c.type), write: true });
      const now = await a.ctx.catalog().store.q.rrset(z.id, c.name, c.type);
      const current: RRsetState | null = now.length === 0 ? null : { ttl: now[0]!.ttl, records: now.map((r) => ({ content: r.content, disabled: r.disabled })) };
      if (!sameState(current, c.after)) throw conflict(`${c.name} ${typeToText(c.type)} changed after change ${id}: revert the later changes first`);
      edits.push(c.before === null || c.before.records.length === 0
        ? { name: c.name, type: c.type, changetype: 'DELETE' }
        : { name: c.name, type: c.type, changetype: 'REPLACE', ttl: c.before.ttl, records: c.before.records });
    }
    if (edits.length === 0) throw unprocessable(`change ${id} touched only the SOA or signatures: nothing to revert`);
    const result = await a.ctx.catalog().apply(name, { rrsets: edits }, `${p.label} (revert of change ${id})`);
    await a.ctx.settled();
    return { reverted: id, result };
  });

  app.post(`${G}/zones/:zone/import-preview`, { schema: { tags: TAGS, summary: 'Diff of a zone file against the zone: the PATCH that would make the zone match it (nothing written)' } }, async (req) => {
    const name = zoneParam(req);
    a.ctx.authorize(req, { zone: name, write: false });
    const b = body(req);
    if (typeof b.zone !== 'string') throw unprocessable('zone: the zone file text is missing');
    if (/^\s*\$INCLUDE\b/im.test(b.zone)) throw unprocessable('zone: $INCLUDE is not allowed in an uploaded zone file');
    let rrs;
    try {
      rrs = parseZoneText(b.zone, { origin: nameFromText(name), file: 'zone', defaultTtl: 3600 });
    } catch (e) {
      if (e instanceof ZoneFileError) throw unprocessable(`zone file line ${e.line}: ${e.reason}`);
      throw e;
    }
    const want = new Map<string, RRsetState & { name: string; type: number }>();
    for (const rr of rrs) {
      if (MANAGED.has(rr.type)) continue;
      const owner = nameToText(rr.name).toLowerCase();
      const k = `${owner}|${rr.type}`;
      const s = want.get(k) ?? { name: owner, type: rr.type, ttl: rr.ttl, records: [] };
      const content = rdataToText(rr.type, rr.rdata);
      if (!s.records.some((r) => r.content === content)) s.records.push({ content, disabled: false });
      want.set(k, s);
    }
    const stored = await a.ctx.catalog().stored(name);
    const have = new Map<string, RRsetState & { name: string; type: number }>();
    for (const r of stored.records) {
      if (MANAGED.has(r.type)) continue;
      const k = `${r.name}|${r.type}`;
      const s = have.get(k) ?? { name: r.name, type: r.type, ttl: r.ttl, records: [] };
      s.records.push({ content: rdataToText(r.type, r.wire), disabled: r.disabled });
      have.set(k, s);
    }
    const changes: ReturnType<typeof changeOut>[] = [];
    const rrsets: RRsetEdit[] = [];
    for (const [k, w] of want) {
      const h = have.get(k) ?? null;
      const state = (s: RRsetState): RRsetState => ({ ttl: s.ttl, records: s.records });
      if (!sameState(h && state(h), state(w))) {
        changes.push(changeOut({ name: w.name, type: w.type, before: h && state(h), after: state(w) }));
        rrsets.push({ name: w.name, type: typeToText(w.type), changetype: 'REPLACE', ttl: w.ttl, records: w.records });
      }
    }
    for (const [k, h] of have) {
      if (want.has(k)) continue;
      changes.push(changeOut({ name: h.name, type: h.type, before: { ttl: h.ttl, records: h.records }, after: null }));
      rrsets.push({ name: h.name, type: typeToText(h.type), changetype: 'DELETE' });
    }
    changes.sort((x, y) => x.name.localeCompare(y.name) || x.type.localeCompare(y.type));
    return { changes, rrsets };
  });

  app.get(`${G}/zones/:zone/geo-map`, { schema: { tags: TAGS, summary: 'What vantage points around the world get for ?name= &type= (DNS queries with ECS to this server)' } }, async (req) => {
    const zone = zoneParam(req);
    a.ctx.authorize(req, { zone, write: false });
    const whatif = a.ctx.deps.services?.geoWhatif;
    if (whatif === undefined) throw notFound('this server has no DNS listener to ask');
    const qs = req.query as Record<string, string | undefined>;
    const name = zoneName(qs.name ?? zone);
    if (name !== zone && !name.endsWith(`.${zone}`)) throw unprocessable(`name: ${name} is not in zone ${zone}`);
    const type = (qs.type ?? 'A').toUpperCase();
    if (!['A', 'AAAA', 'CNAME', 'TXT', 'MX'].includes(type)) throw unprocessable('type: one of A, AAAA, CNAME, TXT, MX');
    const rows = await whatif(name, type);
    return { name, type, vantages: rows.map((r) => ({ name: r.vantage, network: r.network, answer: r.error !== undefined ? `error: ${r.error}` : r.answers.map((x) => x.replace(/^\S+ /, '')).sort().join(', ') || 'no answer' })) };
  });

  app.get(`${G}/replication`, { schema: { tags: TAGS, summary: 'Secondary zones here (serials, lag) and the secondaries that transferred our zones' } }, async (req) => {
    a.ctx.authorize(req, { write: false });
    const status = a.ctx.deps.services?.replication;
    if (status === undefined) throw notFound('replication is not running in this process');
    return status();
  });

  app.post(`${G}/lua-check`, { schema: { tags: TAGS, summary: 'Compile (never run) the code of a LUA record: {code} → {ok, error?}' } }, async (req) => {
    a.ctx.authorize(req, { write: false });
    const code = body(req).code;
    if (typeof code !== 'string' || code.length > 65_535) throw unprocessable('code: the LUA record code (a string up to 65535 characters)');
    const error = await luaSyntaxError(code);
    return error === null ? { ok: true } : { ok: false, error };
  });

  app.get(`${G}/settings`, { schema: { tags: TAGS, summary: 'Admin UI settings (record types, LUA, sign-up, SOA and NS defaults, proxy login)' } }, async (req) => {
    a.ctx.authorize(req, { write: false });
    return a.settings();
  });

}
