/**
 * What PowerDNS 4.7 cannot be compared on, tested against Geodesic alone and the behaviour PowerDNS
 * documents for later versions: EXTEND/PRUNE (4.9.12, docs/http-api/zone.rst "Adding a single record",
 * "Deleting a single record"), include_disabled (4.8; 4.7 ignores it and hides disabled records from
 * rrset_name lookups), and the API key in the URL, which PowerDNS accepts and issue 6 refuses.
 */
import { after, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { usePair } from './setup.js';
import { SERVER, ZONES, createZone, dropZones, failures, getZone, patch, replace, replay } from './replay.js';
import type { Servers, Step } from './replay.js';
import { acmeSh, certManager, lego } from './clients.js';
import { send } from './http.js';
import type { ApiResponse } from './http.js';
import { API_KEY } from './pdns.js';

/** A zone file served with --zones beside the store: read-only through the API. */
const FILES = mkdtempSync(join(tmpdir(), 'apidiff-files-'));
writeFileSync(join(FILES, 'file.example.zone'), '$ORIGIN file.example.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.1.53\nwww A 192.0.2.80\n');
after(() => rmSync(FILES, { recursive: true, force: true }));

const pair = usePair({ needPdns: false, geodesic: { args: ['--zones', FILES] } });
const o = pair.opts;
const Z = 'only.example.';

type Rrset = { name: string; type: string; ttl: number; records: Array<{ content: string; disabled: boolean }> };

/** A GET of the zone whose `name`/`type` rrset must hold exactly these contents (none: absent). */
function holds(name: string, type: string, want: string[], query = ''): Step {
  return {
    ...getZone(Z, query),
    check: (res: ApiResponse) => {
      const set = ((res.body as { rrsets?: Rrset[] })?.rrsets ?? []).find((r) => r.name === name && r.type === type);
      const got = (set?.records ?? []).map((r) => r.content).sort();
      return JSON.stringify(got) === JSON.stringify([...want].sort()) ? undefined : `${name} ${type} holds ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    },
  };
}

const one = (changetype: string, contents: string[], name = `t.${Z}`, extra: Record<string, unknown> = { ttl: 60 }): unknown =>
  ({ name, type: 'TXT', changetype, records: contents.map((content) => ({ content, disabled: false })), ...extra });

test('EXTEND (4.9): adds one record, creates the rrset, a record already there is a no-op', o, () => pair.check([Z], [
  createZone(Z),
  patch(Z, [one('EXTEND', ['"a"'])]),
  holds(`t.${Z}`, 'TXT', ['"a"']),
  patch(Z, [one('EXTEND', ['"b"'])]),
  patch(Z, [one('EXTEND', ['"b"'])]),
  holds(`t.${Z}`, 'TXT', ['"a"', '"b"']),
  { ...patch(Z, [one('EXTEND', ['"c"', '"d"'])], 422), mentions: ['one record'] },
  { ...patch(Z, [{ name: `t.${Z}`, type: 'TXT', changetype: 'EXTEND', ttl: 60 }], 422), mentions: ['record'] },
  { ...patch(Z, [one('EXTEND', ['no quotes'])], 422), mentions: [`t.${Z}`] },
  holds(`t.${Z}`, 'TXT', ['"a"', '"b"']),
  // after a REPLACE of the same rrset in the same PATCH, EXTEND works on the replaced contents
  patch(Z, [one('REPLACE', ['"x"']), one('EXTEND', ['"y"'])]),
  holds(`t.${Z}`, 'TXT', ['"x"', '"y"']),
]));

test('PRUNE (4.9): removes one record, absent content is a no-op, the last one removes the rrset; ttl optional', o, () => pair.check([Z], [
  createZone(Z),
  patch(Z, [one('REPLACE', ['"a"', '"b"', '"c"'])]),
  patch(Z, [one('PRUNE', ['"b"'])]),
  holds(`t.${Z}`, 'TXT', ['"a"', '"c"']),
  patch(Z, [one('PRUNE', ['"absent"'])]),
  holds(`t.${Z}`, 'TXT', ['"a"', '"c"']),
  // the documentation's own example has no ttl
  patch(Z, [one('PRUNE', ['"a"'], `t.${Z}`, {})]),
  patch(Z, [one('PRUNE', ['"c"'])]),
  holds(`t.${Z}`, 'TXT', []),
  { ...patch(Z, [one('PRUNE', ['"a"', '"c"'])], 422), mentions: ['one record'] },
  // several PRUNE/EXTEND of one rrset in a PATCH apply in order
  patch(Z, [one('EXTEND', ['"1"']), one('EXTEND', ['"2"']), one('PRUNE', ['"1"'])]),
  holds(`t.${Z}`, 'TXT', ['"2"']),
]));

test('include_disabled (4.8): false hides disabled records; by default they are listed, with rrset_name too', o, () => pair.check([Z], [
  createZone(Z),
  patch(Z, [{ name: `w.${Z}`, type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }, { content: '192.0.2.2', disabled: true }] }]),
  holds(`w.${Z}`, 'A', ['192.0.2.1', '192.0.2.2']),
  holds(`w.${Z}`, 'A', ['192.0.2.1'], '?include_disabled=false'),
  holds(`w.${Z}`, 'A', ['192.0.2.1', '192.0.2.2'], `?rrset_name=w.${Z}&rrset_type=A`),
  holds(`w.${Z}`, 'A', ['192.0.2.1'], `?rrset_name=w.${Z}&include_disabled=false`),
  {
    ...getZone(Z, `?rrset_name=w.${Z}`),
    check: (res) => {
      const names = ((res.body as { rrsets?: Rrset[] })?.rrsets ?? []).map((r) => r.name);
      return names.every((n) => n === `w.${Z}`) ? undefined : `rrset_name=w.${Z} also returned ${names.join(', ')}`;
    },
  },
]));

test('the API key in the URL is refused (PowerDNS 4.7 accepts ?api-key=)', o, () => pair.check([], [
  { method: 'GET', path: `${ZONES}?api-key=${API_KEY}`, noKey: true, status: 401, mentions: ['X-API-Key'] },
  { method: 'GET', path: `${ZONES}?api-key=${API_KEY}`, status: 401 },
  { method: 'GET', path: ZONES, status: 200 },
]));

test('concurrent PATCHes to one zone: 2xx or 409, never 5xx; no write lost; one serial step per write', o, async () => {
  const g = pair.servers.geodesic!;
  await send(g, { method: 'DELETE', path: `${ZONES}/${Z}` });
  try {
    assert.equal((await send(g, createZone(Z))).status, 201);
    const before = (await send(g, getZone(Z, '?rrsets=false'))).body as { serial: number };
    const N = 24;
    const results = await Promise.all(Array.from({ length: N }, (_, i) => send(g, i % 2 === 0
      ? patch(Z, [{ name: `c${i}.${Z}`, type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: `192.0.2.${i + 1}`, disabled: false }] }])
      : patch(Z, [one('EXTEND', [`"w${i}"`])]))));
    const bad = results.filter((r) => r.status !== 204 && r.status !== 409);
    assert.deepEqual(bad.map((r) => `${r.status} ${r.text}`), [], 'only 204 or 409');
    const done = results.map((r, i) => [r.status, i] as const).filter(([st]) => st === 204).map(([, i]) => i);
    const zone = (await send(g, getZone(Z))).body as { serial: number; rrsets: Rrset[] };
    for (const i of done) {
      const found = i % 2 === 0
        ? zone.rrsets.some((r) => r.name === `c${i}.${Z}` && r.records.some((x) => x.content === `192.0.2.${i + 1}`))
        : zone.rrsets.some((r) => r.name === `t.${Z}` && r.type === 'TXT' && r.records.some((x) => x.content === `"w${i}"`));
      assert.ok(found, `write ${i} answered 204 but is not in the zone`);
    }
    assert.equal(zone.serial, before.serial + done.length, 'one serial step per accepted write');
  } finally {
    await send(g, { method: 'DELETE', path: `${ZONES}/${Z}` });
  }
});

/** Creates a Geodesic API key with these scopes (POST /apikeys with the full-access key); returns the key. */
async function scopedKey(scopes: unknown[]): Promise<string> {
  const res = await send(pair.servers.geodesic!, { method: 'POST', path: `${SERVER}/apikeys`, body: { name: `apidiff ${JSON.stringify(scopes)}`, scopes } });
  assert.equal(res.status, 201, res.text);
  return (res.body as { key: string }).key;
}

test('a key scoped to TXT under _acme-challenge runs acme.sh, lego and cert-manager unchanged, and nothing else', o, async () => {
  const key = await scopedKey([{ zones: ['scoped.example.'], names: ['_acme-challenge.*'], types: ['TXT'], readOnly: false }]);
  const full = pair.servers.geodesic!;
  const scoped: Servers = { geodesic: { ...full, key } };
  await dropZones({ geodesic: full }, ['scoped.example.']);
  assert.equal((await send(full, createZone('scoped.example.', { kind: 'Master' }))).status, 201);
  try {
    // lego PUTs /notify after each change on Master zones: a key that may write in the zone may notify it
    const problems = failures([
      ...await replay(scoped, acmeSh('scoped.example.')),
      ...await replay(scoped, lego('scoped.example.')),
      ...await replay(scoped, certManager('scoped.example.')),
      ...await replay(scoped, [
        { ...replace('scoped.example.', 'www.scoped.example.', 'A', ['192.0.2.1']), status: 403 },
        { ...replace('scoped.example.', '_acme-challenge.scoped.example.', 'A', ['192.0.2.1']), status: 403 },
        { ...replace('scoped.example.', 'txt.scoped.example.', 'TXT', ['"x"']), status: 403 },
        { method: 'DELETE', path: `${ZONES}/scoped.example.`, status: 403 },
        { method: 'PUT', path: `${ZONES}/scoped.example./metadata/ALSO-NOTIFY`, body: { metadata: ['127.0.0.9'] }, status: 403 },
        { ...createZone('other.example.'), status: 403 },
      ]),
    ]);
    assert.equal(problems.length, 0, `\n${problems.join('\n')}\n`);
  } finally {
    await dropZones({ geodesic: full }, ['scoped.example.', 'other.example.']);
  }
});

test('a read-only key reads everything and writes nothing', o, async () => {
  const key = await scopedKey([{ readOnly: true }]);
  const full = pair.servers.geodesic!;
  await dropZones({ geodesic: full }, ['ro.example.']);
  assert.equal((await send(full, createZone('ro.example.'))).status, 201);
  try {
    const problems = failures(await replay({ geodesic: { ...full, key } }, [
      { method: 'GET', path: ZONES, status: 200 },
      getZone('ro.example.'),
      { method: 'GET', path: `${ZONES}/ro.example./export`, status: 200 },
      { ...replace('ro.example.', 'www.ro.example.', 'A', ['192.0.2.1']), status: 403 },
      { ...createZone('ro2.example.'), status: 403 },
      { method: 'DELETE', path: `${ZONES}/ro.example.`, status: 403 },
      { method: 'PUT', path: `${ZONES}/ro.example./notify`, status: 403 },
    ]));
    assert.equal(problems.length, 0, `\n${problems.join('\n')}\n`);
  } finally {
    await dropZones({ geodesic: full }, ['ro.example.', 'ro2.example.']);
  }
});

test('zones from --zones files: read through the API, every write refused with 422', o, () => pair.check([], [
  {
    method: 'GET', path: ZONES, status: 200,
    check: (res) => ((res.body as Array<{ name: string }>).some((z) => z.name === 'file.example.') ? undefined : 'file.example. is not listed'),
  },
  {
    ...getZone('file.example.'),
    check: (res) => ((res.body as { rrsets?: Rrset[] }).rrsets?.some((r) => r.name === 'www.file.example.' && r.records[0]?.content === '192.0.2.80') ? undefined : 'www.file.example. A is not in the zone'),
  },
  { method: 'GET', path: `${ZONES}/file.example./export`, status: 200 },
  { ...replace('file.example.', 'www.file.example.', 'A', ['192.0.2.81']), status: 422, mentions: ['file'] },
  { method: 'PUT', path: `${ZONES}/file.example.`, body: { kind: 'Master' }, status: 422, mentions: ['file'] },
  { method: 'DELETE', path: `${ZONES}/file.example.`, status: 422, mentions: ['file'] },
  { method: 'POST', path: `${ZONES}/file.example./metadata`, body: { kind: 'ALSO-NOTIFY', metadata: ['127.0.0.9'] }, status: 422, mentions: ['file'] },
  { ...createZone('file.example.'), status: 409 },
  {
    ...getZone('file.example.'), dns: { name: 'www.file.example.', type: 'A', want: ['192.0.2.80'] },
    check: (res) => ((res.body as { rrsets?: Rrset[] }).rrsets?.some((r) => r.name === 'www.file.example.' && r.records[0]?.content === '192.0.2.80') ? undefined : 'the file zone changed'),
  },
]));
