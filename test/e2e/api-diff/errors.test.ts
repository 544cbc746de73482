/**
 * Every error of issue 6, the same requests to PowerDNS 4.7 and Geodesic: the status codes must match
 * (where Geodesic answers otherwise on purpose, the step says so and why), Geodesic's body must be
 * `{"error": "..."}` naming the RRset and the reason, and a GET after each refused write shows that
 * nothing was written (it is compared too).
 */
import { test } from 'node:test';
import { usePair } from './setup.js';
import { SERVER, ZONES, createZone, getZone, patch, replace } from './replay.js';
import type { Step } from './replay.js';

const pair = usePair();
const o = pair.opts;
const Z = 'err.example.';

/** A PATCH of one REPLACE that must be refused with 422, Geodesic's error naming `mentions`. */
function refused(name: string, type: string, contents: string[], mentions: string[], extra: Record<string, unknown> = {}): Step {
  return { ...replace(Z, name, type, contents, 300, extra), status: 422, mentions };
}

test('422: record content that does not parse, an address that is not one', o, () => pair.check([Z], [
  createZone(Z),
  refused('a.err.example.', 'A', ['192.0.2.999'], ['a.err.example', 'A']),
  refused('a.err.example.', 'A', ['2001:db8::1'], ['a.err.example', 'A']),
  refused('a.err.example.', 'A', ['not an address'], ['a.err.example']),
  refused('a.err.example.', 'AAAA', ['192.0.2.1'], ['a.err.example', 'AAAA']),
  refused('a.err.example.', 'AAAA', ['2001:db8::g'], ['a.err.example']),
  refused('m.err.example.', 'MX', ['mail.err.example.'], ['m.err.example', 'MX']),
  refused('m.err.example.', 'MX', ['10 mail.err.example'], ['m.err.example']),
  refused('t.err.example.', 'TXT', ['no quotes here'], ['t.err.example', 'TXT']),
  refused('s.err.example.', 'SRV', ['0 5 sip.err.example.'], ['s.err.example']),
  refused('c.err.example.', 'CNAME', ['not canonical'], ['c.err.example']),
  refused('x.err.example.', 'BOGUS', ['1'], ['x.err.example', 'BOGUS']),
  getZone(Z),
]));

test('422: CERT, APL, AFSDB, KX and URI content not in the form PowerDNS prints (URI targets must be quoted)', o, () => pair.check([Z], [
  createZone(Z),
  refused('u.err.example.', 'URI', ['10 1 https://example.org/'], ['u.err.example', 'URI', 'quote']),
  refused('u.err.example.', 'URI', ['010 1 "https://example.org/"'], ['u.err.example', 'URI']),
  refused('u.err.example.', 'URI', ['10 1'], ['u.err.example', 'URI']),
  refused('u.err.example.', 'URI', ['10 1 "x" y'], ['u.err.example', 'URI']),
  refused('c.err.example.', 'CERT', ['PKIX 0 0 MIIB'], ['c.err.example', 'CERT']),
  refused('c.err.example.', 'CERT', ['1 0 RSASHA256 MIIB'], ['c.err.example', 'CERT']),
  refused('c.err.example.', 'CERT', ['0 0 0 MIIB'], ['c.err.example', 'CERT', 'reserved']),
  refused('c.err.example.', 'CERT', ['1 0 0 MI IB'], ['c.err.example', 'CERT']),
  refused('c.err.example.', 'CERT', ['1 0 0 MIIBAA'], ['c.err.example', 'CERT']),
  refused('c.err.example.', 'CERT', ['1 0 0'], ['c.err.example', 'CERT']),
  refused('c.err.example.', 'CERT', ['1 0 256 MIIB'], ['c.err.example', 'CERT']),
  refused('c.err.example.', 'CERT', ['01 0 0 MIIB'], ['c.err.example', 'CERT']),
  refused('a.err.example.', 'APL', ['1:192.0.2.1/24'], ['a.err.example', 'APL']),
  refused('a.err.example.', 'APL', ['1:192.0.2.0/33'], ['a.err.example', 'APL']),
  refused('a.err.example.', 'APL', ['3:192.0.2.0/24'], ['a.err.example', 'APL']),
  refused('a.err.example.', 'APL', ['1:192.0.2.0'], ['a.err.example', 'APL']),
  refused('a.err.example.', 'APL', ['2:2001:0db8::/32'], ['a.err.example', 'APL']),
  refused('a.err.example.', 'APL', ['1:10.0.0.0/08'], ['a.err.example', 'APL']),
  refused('a.err.example.', 'APL', ['1:192.0.2.0/24  2:2001:db8::/32'], ['a.err.example', 'APL']),
  refused('f.err.example.', 'AFSDB', ['1 afs'], ['f.err.example', 'AFSDB']),
  refused('f.err.example.', 'AFSDB', ['01 afs.err.example.'], ['f.err.example', 'AFSDB']),
  refused('f.err.example.', 'AFSDB', ['1'], ['f.err.example', 'AFSDB']),
  refused('k.err.example.', 'KX', ['10 kx'], ['k.err.example', 'KX']),
  refused('k.err.example.', 'KX', ['65536 kx.err.example.'], ['k.err.example', 'KX']),
  getZone(Z),
]));

test('422: names outside the zone, not canonical, a label over 63 octets, a name over 255', o, () => pair.check([Z], [
  createZone(Z),
  refused('www.elsewhere.example.', 'A', ['192.0.2.1'], ['www.elsewhere.example', 'zone']),
  refused('err.example.net.', 'A', ['192.0.2.1'], ['err.example.net']),
  refused('x.err.example', 'A', ['192.0.2.1'], ['x.err.example']),
  refused(`${'a'.repeat(64)}.err.example.`, 'A', ['192.0.2.1'], ['a'.repeat(64)]),
  refused(`${`${'a'.repeat(63)}.`.repeat(4)}err.example.`, 'A', ['192.0.2.1'], ['a'.repeat(63)]),
  // at the limit: three labels of 60 octets fit
  replace(Z, `${`${'b'.repeat(60)}.`.repeat(3)}err.example.`, 'A', ['192.0.2.1']),
  getZone(Z),
]));

test('422: CNAME beside other data (existing and in the same PATCH), two CNAMEs, a second SOA, SOA off apex', o, () => pair.check([Z], [
  createZone(Z),
  replace(Z, 'www.err.example.', 'A', ['192.0.2.1']),
  refused('www.err.example.', 'CNAME', ['target.err.example.'], ['www.err.example', 'CNAME']),
  {
    ...patch(Z, [
      { name: 'both.err.example.', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }] },
      { name: 'both.err.example.', type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: [{ content: 'www.err.example.', disabled: false }] },
    ], 422), mentions: ['both.err.example', 'CNAME'],
  },
  refused('two.err.example.', 'CNAME', ['a.err.example.', 'b.err.example.'], ['two.err.example', 'CNAME']),
  refused(Z, 'SOA', ['a.err.example. b.err.example. 1 2 3 4 5', 'a.err.example. b.err.example. 2 2 3 4 5'], ['err.example', 'SOA']),
  refused('sub.err.example.', 'SOA', ['a.err.example. b.err.example. 1 2 3 4 5'], ['sub.err.example', 'SOA']),
  refused('dup.err.example.', 'A', ['192.0.2.1', '192.0.2.1'], ['dup.err.example']),
  {
    ...patch(Z, [
      { name: 'twice.err.example.', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }] },
      { name: 'twice.err.example.', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.2', disabled: false }] },
    ], 422), mentions: ['twice.err.example'],
  },
  getZone(Z),
]));

test('422: a refused PATCH writes nothing, also when its other rrsets are fine', o, () => pair.check([Z], [
  createZone(Z),
  {
    ...patch(Z, [
      { name: 'fine.err.example.', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }] },
      { name: 'fine.err.example.', type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: '"ok"', disabled: false }] },
      { name: 'bad.err.example.', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.300', disabled: false }] },
    ], 422), mentions: ['bad.err.example'],
  },
  getZone(Z),
  { method: 'GET', path: `${ZONES}/${Z}/export`, status: 200 },
]));

test('422: malformed change sets (no rrsets, no ttl, unknown changetype)', o, () => pair.check([Z], [
  createZone(Z),
  { method: 'PATCH', path: `${ZONES}/${Z}`, body: {}, status: 422 },
  { method: 'PATCH', path: `${ZONES}/${Z}`, body: { rrsets: 'x' }, status: 422 },
  { method: 'PATCH', path: `${ZONES}/${Z}`, body: [1], status: 422 },
  { ...patch(Z, [{ name: 'y.err.example.', type: 'A', changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }] }], 422), mentions: ['ttl'] },
  { ...patch(Z, [{ name: 'y.err.example.', type: 'A', changetype: 'BOGUS' }], 422), mentions: ['changetype'] },
  {
    ...patch(Z, [{ name: 'y.err.example.', type: 'A', ttl: -1, changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }] }], 204),
    geodesic: { status: 422, why: 'PowerDNS 4.7 stores ttl -1 as 4294967295; a negative TTL is refused' },
  },
  {
    ...getZone(Z, '?rrset_name=y.err.example.'),
    geodesic: {
      status: 200, why: 'the refused ttl -1 wrote nothing (PowerDNS stored it)',
      check: (res) => ((res.body as { rrsets?: unknown[] }).rrsets?.length === 0 ? undefined : `y.err.example. was written: ${res.text.slice(0, 200)}`),
    },
  },
]));

test('400: a body that is not JSON; bodies over 2 MiB refused and nothing written', o, () => pair.check([Z], [
  createZone(Z),
  { method: 'PATCH', path: `${ZONES}/${Z}`, body: 'not json', raw: true, headers: { 'Content-Type': 'application/json' }, status: 400 },
  { method: 'POST', path: ZONES, body: '{"name": "trunc', raw: true, headers: { 'Content-Type': 'application/json' }, status: 400 },
  {
    ...patch(Z, [{
      name: 'big.err.example.', type: 'TXT', ttl: 60, changetype: 'REPLACE',
      records: Array.from({ length: 11_000 }, (_, i) => ({ content: `"${String(i).padStart(200, 'x')}"`, disabled: false })),
    }], 400),
    geodesic: { status: [400, 413], why: 'over 2 MiB: PowerDNS says 400 (webserver-max-bodysize); 413 Payload Too Large is the precise status' },
  },
  getZone(Z),
]));

test('404: unknown zone on every zone endpoint', o, () => pair.check([], [
  { method: 'GET', path: `${ZONES}/absent.example.`, status: 404 },
  { ...patch('absent.example.', [], 404) },
  { method: 'PUT', path: `${ZONES}/absent.example.`, body: { kind: 'Native' }, status: 404 },
  { method: 'DELETE', path: `${ZONES}/absent.example.`, status: 404 },
  { method: 'GET', path: `${ZONES}/absent.example./export`, status: 404 },
  { method: 'PUT', path: `${ZONES}/absent.example./notify`, status: 404 },
  { method: 'PUT', path: `${ZONES}/absent.example./rectify`, status: 404 },
  { method: 'PUT', path: `${ZONES}/absent.example./axfr-retrieve`, status: 404 },
  { method: 'GET', path: `${ZONES}/absent.example./metadata`, status: 404 },
  { method: 'GET', path: `${ZONES}/absent.example./cryptokeys`, status: 404 },
  { method: 'GET', path: `${SERVER}/tsigkeys/absent.`, status: 404 },
]));

test('409: a zone that exists (any spelling); 422 on create: no name, not canonical, NS twice, masters not IPs', o, () => pair.check([Z, 'm.example.'], [
  createZone(Z),
  { ...createZone(Z), status: 409 },
  { ...createZone('Err.Example.'), status: 409 },
  { method: 'POST', path: ZONES, body: { kind: 'Native' }, status: 422, mentions: ['name'] },
  { method: 'POST', path: ZONES, body: { name: 'noDot.example', kind: 'Native' }, status: 422, mentions: ['noDot.example'] },
  {
    method: 'POST', path: ZONES, status: 422, mentions: ['NS'], body: {
      name: 'm.example.', kind: 'Native', nameservers: ['ns1.m.example.'],
      rrsets: [{ name: 'm.example.', type: 'NS', ttl: 60, records: [{ content: 'ns9.m.example.', disabled: false }] }],
    },
  },
  { method: 'POST', path: ZONES, body: { name: 'm.example.', kind: 'Slave', masters: ['not-an-ip'] }, status: 422, mentions: ['not-an-ip'] },
  { method: 'POST', path: ZONES, body: { name: 'm.example.', kind: 'Slave', masters: ['192.0.2.1:99999'] }, status: 422, mentions: ['192.0.2.1:99999'] },
  { method: 'GET', path: `${ZONES}?zone=m.example.`, status: 200 },
  { method: 'GET', path: `${ZONES}?zone=m.example`, status: 422, mentions: ['m.example'] },
]));

test('where PowerDNS 4.7 accepts nonsense or fails with 500, Geodesic refuses with 422', o, () => pair.check(['bogus.example.', 'badtext.example.'], [
  {
    ...createZone('bogus.example.', { kind: 'Bogus' }),
    geodesic: { status: 422, why: 'PowerDNS 4.7 silently makes an unknown kind Native' },
  },
  {
    method: 'POST', path: ZONES, status: 500, mentions: ['192.0.2.555'],
    body: { name: 'badtext.example.', kind: 'Native', zone: '$ORIGIN badtext.example.\n@ 300 IN SOA ns1 h 7 1 2 3 4\n@ 300 IN NS ns1\nns1 300 IN A 192.0.2.555\n' },
    geodesic: { status: 422, why: 'PowerDNS 4.7 answers 500 to a zone text with a bad record' },
  },
  {
    method: 'GET', path: `${ZONES}?zone=badtext.example.`, status: 200,
    geodesic: { status: 200, why: 'PowerDNS 4.7 keeps the zone whose records failed', check: (res) => (JSON.stringify(res.body) === '[]' ? undefined : `kept the refused zone: ${res.text.slice(0, 100)}`) },
  },
]));

test('metadata errors: kinds the API may not set, unknown kinds', o, () => pair.check([Z], [
  createZone(Z),
  { method: 'PUT', path: `${ZONES}/${Z}/metadata/SOA-EDIT-API`, body: { metadata: ['EPOCH'] }, status: 422 },
  { method: 'PUT', path: `${ZONES}/${Z}/metadata/NSEC3PARAM`, body: { metadata: ['1 0 0 -'] }, status: 422 },
  { method: 'PUT', path: `${ZONES}/${Z}/metadata/PRESIGNED`, body: { metadata: ['1'] }, status: 422 },
  { method: 'PUT', path: `${ZONES}/${Z}/metadata/BOGUS`, body: { metadata: ['v'] }, status: 422 },
  { method: 'GET', path: `${ZONES}/${Z}/metadata/BOGUS`, status: 422 },
  { method: 'GET', path: `${ZONES}/${Z}/metadata`, status: 200 },
]));

test('other errors: unknown statistic, cache flush without domain, search without q, duplicate tsig key, 405', o, () => pair.check([Z], [
  createZone(Z),
  { method: 'GET', path: `${SERVER}/statistics?statistic=nope`, status: 422 },
  { method: 'PUT', path: `${SERVER}/cache/flush`, status: 422 },
  { method: 'GET', path: `${SERVER}/search-data`, status: 422 },
  { method: 'POST', path: `${SERVER}/tsigkeys`, status: 201, body: { name: 'dupkey', algorithm: 'hmac-sha256', key: 'c2VjcmV0c2VjcmV0c2VjcmV0' } },
  { method: 'POST', path: `${SERVER}/tsigkeys`, status: 409, body: { name: 'dupkey', algorithm: 'hmac-sha256', key: 'c2VjcmV0c2VjcmV0c2VjcmV0' } },
  {
    method: 'POST', path: `${SERVER}/tsigkeys`, status: 400, body: { name: 'badalg', algorithm: 'hmac-bogus' },
    geodesic: { status: [400, 422], why: 'an unknown algorithm is a 422 like other bad fields (PowerDNS 4.7: 400)' },
  },
  { method: 'DELETE', path: `${SERVER}/tsigkeys/dupkey.`, status: 204 },
  { method: 'POST', path: `${ZONES}/${Z}`, status: 405 },
]));

test('autoprimaries: a duplicate, an ip that is not one, deleting one that does not exist', o, () => pair.check([], [
  { method: 'POST', path: `${SERVER}/autoprimaries`, status: 201, body: { ip: '127.0.0.7', nameserver: 'ns7.example.', account: 'x' } },
  {
    method: 'POST', path: `${SERVER}/autoprimaries`, status: 500, body: { ip: '127.0.0.7', nameserver: 'ns7.example.', account: 'x' },
    geodesic: { status: [201, 409], why: 'PowerDNS 4.7 answers 500 to the same autoprimary twice' },
  },
  {
    method: 'POST', path: `${SERVER}/autoprimaries`, status: 201, body: { ip: 'nope', nameserver: 'ns7.example.' },
    geodesic: { status: 422, why: 'PowerDNS 4.7 stores an autoprimary ip that is not an address' },
  },
  { method: 'GET', path: `${SERVER}/autoprimaries`, status: 200, norm: { statusOnly: true } },
  { method: 'DELETE', path: `${SERVER}/autoprimaries/127.0.0.7/ns7.example.`, status: 204 },
  { method: 'DELETE', path: `${SERVER}/autoprimaries/nope/ns7.example.`, status: 204, pdnsOnly: true },
  { method: 'DELETE', path: `${SERVER}/autoprimaries/127.0.0.8/ns8.example.`, status: 204, known: 'F33: DELETE of an absent autoprimary is 404' },
  { method: 'GET', path: `${SERVER}/autoprimaries`, status: 200 },
]));
