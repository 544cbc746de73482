/**
 * Every endpoint of PowerDNS 4.7's HTTP API (issue 6), the same requests to PowerDNS and to Geodesic,
 * normalized answers compared (normalize.ts says what is normalized away). Errors: errors.test.ts.
 */
import { test } from 'node:test';
import { usePair } from './setup.js';
import { SERVER, ZONES, createZone, getZone, patch, replace } from './replay.js';
import type { Step } from './replay.js';
import type { ApiResponse } from './http.js';
import { API_KEY } from './pdns.js';

const pair = usePair();
const o = pair.opts;

const isArrayOf = (type: string) => (res: ApiResponse): string | undefined => {
  if (!Array.isArray(res.body)) return `not an array: ${res.text.slice(0, 100)}`;
  const bad = (res.body as Array<Record<string, unknown>>).find((x) => typeof x?.['name'] !== 'string' || !String(x['type']).endsWith(type));
  return bad ? `entry without name or of another type: ${JSON.stringify(bad)}` : undefined;
};

test('discovery: /api, /api/v1, /servers, /servers/localhost', o, () => pair.check([], [
  { method: 'GET', path: '/api', status: 200 },
  { method: 'GET', path: '/api/v1', status: 200 },
  { method: 'GET', path: '/api/v1/servers', status: 200 },
  { method: 'GET', path: SERVER, status: 200 },
  { method: 'GET', path: '/api/v1/servers/elsewhere', status: 404 },
]));

test('zone lifecycle: create, list, ?zone=, read (with and without the final dot), rrsets=false, delete', o, () => pair.check(['life.example.'], [
  createZone('life.example.'),
  { method: 'GET', path: ZONES, status: 200 },
  { method: 'GET', path: `${ZONES}?zone=life.example.`, status: 200 },
  { method: 'GET', path: `${ZONES}?zone=absent.example.`, status: 200 },
  { method: 'GET', path: `${ZONES}?dnssec=false`, status: 200 },
  getZone('life.example.'),
  getZone('life.example'),
  getZone('life.example.', '?rrsets=false'),
  { method: 'DELETE', path: `${ZONES}/life.example.`, status: 204 },
  { method: 'GET', path: `${ZONES}/life.example.`, status: 404 },
  { method: 'GET', path: `${ZONES}?zone=life.example.`, status: 200 },
]));

/** PowerDNS's "Notification queued"; Geodesic may say more after it (which secondaries, or why none). */
const notifyResult = (res: ApiResponse): string | undefined =>
  res.status !== 200 || String((res.body as { result?: unknown })?.result).startsWith('Notification queued') ? undefined : `result is not "Notification queued...": ${res.text.slice(0, 100)}`;

/** On purpose (issue 10: NSEC3 with no extra iterations and no salt, RFC 9276, is the default denial):
 * `dnssec: true` without nsec3param answers "nsec3param": "1 0 0 -" where PowerDNS says "" (NSEC). */
const NSEC3_DEFAULT = { norm: { ignore: ['$.nsec3param'] }, check: (res: ApiResponse): string | undefined => {
  const v = (res.body as { nsec3param?: unknown } | null)?.nsec3param;
  return v === undefined || v === '' || v === '1 0 0 -' ? undefined : `nsec3param ${JSON.stringify(v)}`;
} };

const KINDS = ['Native', 'native', 'NATIVE', 'Master', 'master', 'Primary', 'primary', 'Producer', 'producer'];
const SECONDARY_KINDS = ['Slave', 'slave', 'Secondary', 'secondary', 'Consumer', 'consumer'];

test('zone kinds in every PowerDNS spelling, echoed as 4.7 does', o, () => pair.check(
  [...KINDS, ...SECONDARY_KINDS].map((_, i) => `kind${i}.example.`),
  [
    ...KINDS.map((kind, i) => createZone(`kind${i}.example.`, { kind })),
    ...SECONDARY_KINDS.map((kind, i) => ({ method: 'POST', path: ZONES, status: 201, body: { name: `kind${KINDS.length + i}.example.`, kind, masters: ['127.0.0.2'] } }) as Step),
    { method: 'GET', path: ZONES, status: 200 },
  ],
));

// Secondaries try their primaries at once: every address here is loopback with nothing listening (tests
// send no packet off this machine).
const MASTERS = [['127.0.0.2'], ['127.0.0.2:5300'], ['[::1]:5300'], ['::1'], ['[::1]'], ['127.0.0.2', '127.0.0.3:53']];

test('masters as IP, IP:PORT, [v6]:PORT, v6 and [v6]; PUT changes them', o, () => pair.check(
  MASTERS.map((_, i) => `sec${i}.example.`),
  [
    ...MASTERS.map((masters, i) => ({ method: 'POST', path: ZONES, status: 201, body: { name: `sec${i}.example.`, kind: 'Slave', masters } }) as Step),
    { method: 'PUT', path: `${ZONES}/sec0.example.`, status: 204, body: { masters: ['127.0.0.4:5353', '[::1]:5354'] } },
    getZone('sec0.example.'),
    { method: 'GET', path: ZONES, status: 200 },
  ],
));

test('create with rrsets (SOA, NS, records with comments): serial set by SOA-EDIT-API DEFAULT', o, () => pair.check(['rr.example.'], [
  {
    method: 'POST', path: ZONES, status: 201, body: {
      name: 'rr.example.', kind: 'Native', rrsets: [
        { name: 'rr.example.', type: 'SOA', ttl: 60, records: [{ content: 'ns1.rr.example. hostmaster.rr.example. 5 7200 3600 1209600 300', disabled: false }] },
        { name: 'rr.example.', type: 'NS', ttl: 60, records: [{ content: 'ns1.rr.example.', disabled: false }] },
        { name: 'www.rr.example.', type: 'A', ttl: 120, records: [{ content: '192.0.2.1', disabled: false }, { content: '192.0.2.2', disabled: true }], comments: [{ content: 'web', account: 'ops' }] },
      ],
    },
  },
  getZone('rr.example.'),
  { method: 'GET', path: `${ZONES}/rr.example./export`, status: 200 },
]));

test('create from zone text ("zone"), relative names and $ORIGIN', o, () => pair.check(['text.example.'], [
  {
    method: 'POST', path: ZONES, status: 201, body: {
      name: 'text.example.', kind: 'Native',
      zone: '$ORIGIN text.example.\n$TTL 300\n@ IN SOA ns1 hostmaster 7 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 127.0.1.5\nwww 60 IN CNAME ns1\n_sip._udp IN SRV 0 5 5060 ns1\n',
    },
  },
  getZone('text.example.'),
]));

test('create with soa_edit_api EPOCH, "" (off) and account; PUT kind, soa_edit_api, account, api_rectify', o, () => pair.check(['epoch.example.', 'off.example.'], [
  { ...createZone('epoch.example.', { soa_edit_api: 'EPOCH' }), norm: { clockSerial: true } },
  createZone('off.example.', { soa_edit_api: '', account: 'acme' }),
  { ...getZone('epoch.example.'), norm: { clockSerial: true } },
  getZone('off.example.'),
  { method: 'PUT', path: `${ZONES}/off.example.`, status: 204, body: { kind: 'Master', soa_edit_api: 'INCREASE', account: 'other' } },
  { method: 'PUT', path: `${ZONES}/off.example.`, status: 204, body: { api_rectify: true } },
  getZone('off.example.', '?rrsets=false'),
  replace('off.example.', 'a.off.example.', 'A', ['192.0.2.1']),
  getZone('off.example.'),
  { method: 'GET', path: `${ZONES}/off.example./metadata`, status: 200 },
]));

test('PUT /zones/{id}: rrsets and read-only fields (id, name, serial, url) ignored as 4.7 does; soa_edit set', o, () => pair.check(['pu.example.'], [
  createZone('pu.example.'),
  replace('pu.example.', 'www.pu.example.', 'A', ['192.0.2.1'], 60),
  { method: 'PUT', path: `${ZONES}/pu.example.`, status: 204, body: { rrsets: [{ name: 'other.pu.example.', type: 'A', ttl: 60, records: [{ content: '192.0.2.9', disabled: false }] }] } },
  { method: 'GET', path: `${ZONES}/pu.example./export`, status: 200 },
  { method: 'PUT', path: `${ZONES}/pu.example.`, status: 204, body: { kind: 'Native', name: 'pu.example.', id: 'pu.example.', serial: 99, url: 'x', rrsets: [] } },
  getZone('pu.example.', '?rrsets=false'),
  { method: 'PUT', path: `${ZONES}/pu.example.`, status: 204, body: { account: 'a', nameservers: ['x.'], dnssec: false, soa_edit: 'INCEPTION-INCREMENT' } },
  getZone('pu.example.', '?rrsets=false'),
  { method: 'GET', path: `${ZONES}/pu.example./metadata`, status: 200 },
]));

test('PATCH REPLACE and DELETE: disabled records, comments, several rrsets at once, canonical forms', o, () => pair.check(['p.example.'], [
  createZone('p.example.'),
  replace('p.example.', 'www.p.example.', 'A', ['192.0.2.1'], 300, { comments: [{ content: 'hello', account: 'me' }] }),
  patch('p.example.', [
    { name: 'www.p.example.', type: 'AAAA', ttl: 300, changetype: 'REPLACE', records: [{ content: '2001:DB8:0:0::1', disabled: false }, { content: '2001:db8::2', disabled: true }] },
    { name: 't.p.example.', type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: '"a" "b"', disabled: false }, { content: '"x\\"y"', disabled: false }] },
    { name: 'm.p.example.', type: 'MX', ttl: 60, changetype: 'REPLACE', records: [{ content: '10 Mail.P.Example.', disabled: false }] },
    { name: '_sip._tcp.p.example.', type: 'SRV', ttl: 60, changetype: 'REPLACE', records: [{ content: '0 5 5060 sip.p.example.', disabled: false }] },
    { name: 'p.example.', type: 'CAA', ttl: 60, changetype: 'REPLACE', records: [{ content: '0 issue "letsencrypt.org"', disabled: false }] },
    { name: '*.w.p.example.', type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.9', disabled: false }] },
    { name: 'Upper.P.Example.', type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.10', disabled: false }] },
    { name: 'u_x.p.example.', type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.11', disabled: false }] },
    { name: 'c.p.example.', type: 'CNAME', ttl: 60, changetype: 'REPLACE', records: [{ content: 'www.p.example.', disabled: false }] },
    { name: 'lc.p.example.', type: 'A', ttl: 60, changetype: 'replace', records: [{ content: '192.0.2.12' }] },
  ]),
  getZone('p.example.'),
  { method: 'GET', path: `${ZONES}/p.example./export`, status: 200 },
  // REPLACE with no records deletes the records; DELETE of an absent rrset is fine
  replace('p.example.', 'lc.p.example.', 'A', []),
  patch('p.example.', [{ name: 'www.p.example.', type: 'AAAA', changetype: 'DELETE' }, { name: 'absent.p.example.', type: 'A', changetype: 'DELETE' }]),
  getZone('p.example.'),
]));

test('a JSON body is read whatever the Content-Type says (curl -d sends form encoding; some clients none)', o, () => pair.check(['ct.example.'], [
  createZone('ct.example.'),
  ...(['application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8'].map((ct, i): Step => ({
    ...replace('ct.example.', `r${i}.ct.example.`, 'A', [`192.0.2.${i + 1}`]),
    headers: { 'Content-Type': ct },
  }))),
  { ...replace('ct.example.', 'none.ct.example.', 'A', ['192.0.2.9']), raw: true, body: JSON.stringify({ rrsets: [{ name: 'none.ct.example.', type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.9', disabled: false }] }] }) },
  getZone('ct.example.'),
]));

test('comments: REPLACE of comments alone keeps records, records alone keep comments, comment-only rrsets', o, () => pair.check(['cm.example.'], [
  createZone('cm.example.'),
  replace('cm.example.', 'a.cm.example.', 'A', ['192.0.2.1'], 300, { comments: [{ content: 'first', account: 'x' }, { content: 'second', account: '' }] }),
  patch('cm.example.', [{ name: 'a.cm.example.', type: 'A', changetype: 'REPLACE', ttl: 300, comments: [{ content: 'replaced', account: 'y' }] }]),
  getZone('cm.example.'),
  replace('cm.example.', 'a.cm.example.', 'A', ['192.0.2.2']),
  getZone('cm.example.'),
  patch('cm.example.', [{ name: 'note.cm.example.', type: 'TXT', changetype: 'REPLACE', ttl: 60, comments: [{ content: 'reserved for later', account: 'ops' }] }]),
  getZone('cm.example.'),
  patch('cm.example.', [{ name: 'a.cm.example.', type: 'A', changetype: 'DELETE' }]),
  getZone('cm.example.'),
]));

test('ALIAS and LUA records through the API', o, () => pair.check(['al.example.'], [
  createZone('al.example.'),
  replace('al.example.', 'al.example.', 'ALIAS', ['target.example.net.'], 60),
  replace('al.example.', 'www.al.example.', 'ALIAS', ['target.example.net.'], 60),
  replace('al.example.', 'geo.al.example.', 'LUA', ['A "pickclosest({\'192.0.2.1\',\'192.0.2.2\'})"'], 60),
  getZone('al.example.'),
  { method: 'GET', path: `${ZONES}/al.example./export`, status: 200 },
]));

test('CERT, APL, AFSDB, KX and URI through the API: stored, read, exported, answered over DNS, deleted', o, () => pair.check(['ty.example.', 'tyc.example.', 'tyz.example.', 'tyk.example.'], [
  createZone('ty.example.'),
  { ...replace('ty.example.', 'c.ty.example.', 'CERT', ['1 65535 8 MIIB', '253 0 0 aHR0cHM6Ly9leGFtcGxlLm9yZy9jZXJ0', '65280 7 255 AQIDBA==', '3 1 13 miib']), dns: { name: 'c.ty.example.', type: 'CERT' } },
  {
    ...replace('ty.example.', 'a.ty.example.', 'APL', ['1:192.0.2.0/24 !2:2001:db8::/32', '1:0.0.0.0/0 !2:::/0', '', '2:2001:DB8:0:0:1::/128 2:::ffff:192.0.2.0/120', '1:10.0.0.0/32 !1:10.1.0.0/16']),
    dns: { name: 'a.ty.example.', type: 'APL' },
  },
  { ...replace('ty.example.', 'ty.example.', 'AFSDB', ['1 afs.ty.example.', '2 AFS.Example.NET.', '65535 .']), dns: { name: 'ty.example.', type: 'AFSDB' } },
  { ...replace('ty.example.', 'kx.ty.example.', 'KX', ['10 kx.ty.example.', '0 KX.Example.NET.']), dns: { name: 'kx.ty.example.', type: 'KX' } },
  { ...replace('ty.example.', '_http._tcp.ty.example.', 'URI', ['10 1 "https://example.org/"', '20 0 "ftp://a b/"', '0 0 ""']), dns: { name: '_http._tcp.ty.example.', type: 'URI' } },
  getZone('ty.example.'),
  { method: 'GET', path: `${ZONES}/ty.example./export`, status: 200 },
  { ...getZone('ty.example.', '?rrset_name=a.ty.example.&rrset_type=APL'), norm: { rrsetFilter: { name: 'a.ty.example.', type: 'APL' } } },
  patch('ty.example.', ['CERT', 'APL', 'KX'].map((type) => ({ name: `${type === 'CERT' ? 'c' : type === 'APL' ? 'a' : 'kx'}.ty.example.`, type, changetype: 'DELETE' }))),
  patch('ty.example.', [{ name: 'ty.example.', type: 'AFSDB', changetype: 'DELETE' }, { name: 'none.ty.example.', type: 'CERT', changetype: 'DELETE' }]),
  getZone('ty.example.'),
  createZone('tyc.example.', { rrsets: [
    { name: 'c.tyc.example.', type: 'CERT', ttl: 60, records: [{ content: '1 0 0 MIIB', disabled: false }] },
    { name: 'a.tyc.example.', type: 'APL', ttl: 60, records: [{ content: '!1:192.0.2.0/24', disabled: true }] },
    { name: 'tyc.example.', type: 'AFSDB', ttl: 60, records: [{ content: '1 afs.tyc.example.', disabled: false }] },
    { name: 'tyc.example.', type: 'KX', ttl: 60, records: [{ content: '1 kx.tyc.example.', disabled: false }] },
  ] }),
  getZone('tyc.example.'),
  {
    method: 'POST', path: ZONES, status: 201, body: {
      name: 'tyz.example.', kind: 'Native',
      zone: '$ORIGIN tyz.example.\n$TTL 300\n@ IN SOA ns1 hostmaster 7 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 127.0.1.5\n'
        + '@ IN AFSDB 1 afs\nkx IN KX 5 ns1.tyz.example.\nc IN CERT 3 0 0 ( MIIB\n AQID )\na IN APL 1:192.0.2.0/24 !2:2001:db8::/32\n_u._tcp IN URI 1 2 "https://tyz.example/"\n',
    },
  },
  getZone('tyz.example.'),
  { method: 'GET', path: `${ZONES}/tyz.example./export`, status: 200 },
  {
    method: 'POST', path: ZONES, status: 201, body: {
      name: 'tyk.example.', kind: 'Native',
      zone: '$ORIGIN tyk.example.\n$TTL 300\n@ IN SOA ns1 hostmaster 7 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 127.0.1.5\nkx IN KX 5 ns1\n',
    },
    geodesic: {
      status: 201, why: 'a relative KX exchanger in zone text is completed with the origin (RFC 1035 §5.1); PowerDNS 4.7 makes it ns1.',
      check: (res) => {
        const kx = (res.body as { rrsets: { type: string; records: { content: string }[] }[] }).rrsets.find((r) => r.type === 'KX');
        return kx?.records[0]?.content === '5 ns1.tyk.example.' ? undefined : `KX content ${JSON.stringify(kx?.records)}`;
      },
    },
  },
]));

test('GET filters: rrset_name, rrset_name with rrset_type, rrset_type alone (ignored)', o, () => pair.check(['f.example.'], [
  createZone('f.example.'),
  replace('f.example.', 'www.f.example.', 'A', ['192.0.2.1'], 300, { comments: [{ content: 'c', account: 'a' }] }),
  replace('f.example.', 'www.f.example.', 'TXT', ['"t"']),
  replace('f.example.', 'other.f.example.', 'A', ['192.0.2.3'], 300, { comments: [{ content: 'other', account: 'a' }] }),
  { ...getZone('f.example.', '?rrset_name=www.f.example.'), norm: { rrsetFilter: { name: 'www.f.example.' } } },
  { ...getZone('f.example.', '?rrset_name=www.f.example.&rrset_type=A'), norm: { rrsetFilter: { name: 'www.f.example.', type: 'A' } } },
  { ...getZone('f.example.', '?rrset_name=absent.f.example.'), norm: { rrsetFilter: { name: 'absent.f.example.' } } },
  getZone('f.example.', '?rrset_type=TXT'),
]));

test('export, notify, rectify, axfr-retrieve', o, () => pair.check(['x.example.', 'xs.example.'], [
  createZone('x.example.', { kind: 'Master' }),
  replace('x.example.', 'www.x.example.', 'A', ['192.0.2.1']),
  { method: 'GET', path: `${ZONES}/x.example./export`, status: 200 },
  { method: 'PUT', path: `${ZONES}/x.example./notify`, status: 200, norm: { ignore: ['$.result'] }, check: notifyResult },
  { method: 'PUT', path: `${ZONES}/x.example./rectify`, status: 200 },
  { method: 'POST', path: ZONES, status: 201, body: { name: 'xs.example.', kind: 'Slave', masters: ['127.0.0.2:5300'] } },
  { method: 'PUT', path: `${ZONES}/xs.example./axfr-retrieve`, status: 200 },
]));

test('metadata: list, add, read, replace, delete; behavioural kinds', o, () => pair.check(['md.example.'], [
  createZone('md.example.'),
  { method: 'GET', path: `${ZONES}/md.example./metadata`, status: 200 },
  { method: 'POST', path: `${ZONES}/md.example./metadata`, status: 201, body: { kind: 'ALSO-NOTIFY', metadata: ['127.0.0.9'] } },
  { method: 'POST', path: `${ZONES}/md.example./metadata`, status: 201, body: { kind: 'ALSO-NOTIFY', metadata: ['127.0.0.10:5300'] } },
  { method: 'GET', path: `${ZONES}/md.example./metadata/ALSO-NOTIFY`, status: 200 },
  { method: 'PUT', path: `${ZONES}/md.example./metadata/ALSO-NOTIFY`, status: 200, body: { kind: 'ALSO-NOTIFY', metadata: ['127.0.0.11'] } },
  { method: 'PUT', path: `${ZONES}/md.example./metadata/ALLOW-AXFR-FROM`, status: 200, body: { metadata: ['AUTO-NS', '192.0.2.0/24'] } },
  // TSIG-ALLOW-AXFR and AXFR-MASTER-TSIG are set through the zone's tsig key id lists, not /metadata
  { method: 'PUT', path: `${ZONES}/md.example./metadata/TSIG-ALLOW-AXFR`, status: 422, body: { metadata: ['xfr-key.'] } },
  { method: 'POST', path: `${SERVER}/tsigkeys`, status: 201, body: { name: 'xfr-key', algorithm: 'hmac-sha256', key: 'c2VjcmV0c2VjcmV0c2VjcmV0' } },
  { method: 'PUT', path: `${ZONES}/md.example.`, status: 204, body: { master_tsig_key_ids: ['xfr-key.'], slave_tsig_key_ids: ['xfr-key.'] } },
  getZone('md.example.', '?rrsets=false'),
  { method: 'PUT', path: `${ZONES}/md.example./metadata/X-CUSTOM`, status: 200, body: { metadata: ['v'] } },
  { method: 'GET', path: `${ZONES}/md.example./metadata`, status: 200 },
  { method: 'DELETE', path: `${ZONES}/md.example./metadata/X-CUSTOM`, status: 200, geodesic: { status: [200, 204], why: 'PowerDNS answers 200 with an empty text/html body; 204 says the same' } },
  { method: 'GET', path: `${ZONES}/md.example./metadata/X-CUSTOM`, status: 200 },
  { method: 'GET', path: `${ZONES}/md.example./metadata`, status: 200 },
  { method: 'DELETE', path: `${SERVER}/tsigkeys/xfr-key.`, status: 204 },
]));

test('tsigkeys: create (generated and given secret), list, read, change, delete', o, () => pair.check([], [
  { method: 'POST', path: `${SERVER}/tsigkeys`, status: 201, body: { name: 'gen', algorithm: 'hmac-sha256' }, norm: { ignore: ['$.key'] } },
  { method: 'POST', path: `${SERVER}/tsigkeys`, status: 201, body: { name: 'given', algorithm: 'hmac-sha256', key: 'c2VjcmV0c2VjcmV0c2VjcmV0' } },
  { method: 'GET', path: `${SERVER}/tsigkeys`, status: 200 },
  { method: 'GET', path: `${SERVER}/tsigkeys/given.`, status: 200 },
  { method: 'GET', path: `${SERVER}/tsigkeys/given`, status: 200 },
  { method: 'PUT', path: `${SERVER}/tsigkeys/given.`, status: 200, body: { algorithm: 'hmac-sha512' } },
  { method: 'DELETE', path: `${SERVER}/tsigkeys/given.`, status: 204 },
  { method: 'DELETE', path: `${SERVER}/tsigkeys/gen.`, status: 204 },
  { method: 'GET', path: `${SERVER}/tsigkeys/given.`, status: 404 },
  { method: 'GET', path: `${SERVER}/tsigkeys`, status: 200 },
]));

test('autoprimaries: list, add, delete', o, () => pair.check([], [
  { method: 'GET', path: `${SERVER}/autoprimaries`, status: 200 },
  { method: 'POST', path: `${SERVER}/autoprimaries`, status: 201, body: { ip: '192.0.2.1', nameserver: 'ns1.example.', account: 'a' } },
  { method: 'GET', path: `${SERVER}/autoprimaries`, status: 200 },
  { method: 'DELETE', path: `${SERVER}/autoprimaries/192.0.2.1/ns1.example.`, status: 204 },
  { method: 'GET', path: `${SERVER}/autoprimaries`, status: 200 },
]));

test('search-data: records, comments and zones, wildcards, object_type, max', o, () => pair.check(['sd.example.'], [
  createZone('sd.example.'),
  replace('sd.example.', 'www.sd.example.', 'A', ['192.0.2.1'], 300, { comments: [{ content: 'www note', account: '' }] }),
  replace('sd.example.', 'mail.sd.example.', 'A', ['192.0.2.2']),
  { method: 'GET', path: `${SERVER}/search-data?q=www*`, status: 200 },
  { method: 'GET', path: `${SERVER}/search-data?q=*sd.example*&max=100`, status: 200 },
  { method: 'GET', path: `${SERVER}/search-data?q=192.0.2.2&object_type=record`, status: 200 },
  // PowerDNS matches q against names without the final dot
  { method: 'GET', path: `${SERVER}/search-data?q=sd.example&object_type=zone`, status: 200 },
  { method: 'GET', path: `${SERVER}/search-data?q=*www*&object_type=comment`, status: 200 },
  { method: 'GET', path: `${SERVER}/search-data?q=*note*&object_type=comment`, status: 200 },
]));

test('statistics and config: the shapes clients read (PowerDNS-Admin reads uptime; octodns reads config)', o, () => pair.check([], [
  {
    method: 'GET', path: `${SERVER}/statistics`, status: 200, norm: { statusOnly: true },
    check: (res) => {
      const bad = isArrayOf('StatisticItem')(res);
      if (bad) return bad;
      const up = (res.body as Array<Record<string, unknown>>).find((x) => x['name'] === 'uptime');
      return up && /^\d+$/.test(String(up['value'])) ? undefined : 'no numeric "uptime" statistic (PowerDNS-Admin shows it)';
    },
  },
  { method: 'GET', path: `${SERVER}/statistics?statistic=uptime`, status: 200, norm: { ignore: ['$[*].value'] } },
  { method: 'GET', path: `${SERVER}/config`, status: 200, norm: { statusOnly: true }, check: isArrayOf('ConfigSetting') },
]));

const KEY_VOLATILE = ['$[*].dnskey', '$[*].ds', '$[*].id', '$[*].privatekey'];

test('dnssec: true on create (CSK ECDSA P-256 as PowerDNS defaults), with nsec3param; ?dnssec=true; cryptokeys; rectify; PUT dnssec and nsec3param', o, () => pair.check(['sig.example.', 'n3.example.', 'put.example.'], [
  { ...createZone('sig.example.', { dnssec: true }), ...NSEC3_DEFAULT },
  createZone('n3.example.', { dnssec: true, nsec3param: '1 0 0 -' }),
  { method: 'GET', path: `${ZONES}?dnssec=true`, status: 200 },
  getZone('n3.example.', '?rrsets=false'),
  { method: 'GET', path: `${ZONES}/sig.example./cryptokeys`, status: 200, norm: { ignore: KEY_VOLATILE } },
  { method: 'GET', path: `${ZONES}/n3.example./metadata`, status: 200 },
  { method: 'PUT', path: `${ZONES}/n3.example./rectify`, status: 200 },
  replace('sig.example.', 'www.sig.example.', 'A', ['192.0.2.1']),
  { ...getZone('sig.example.'), ...NSEC3_DEFAULT },
  // DNSSEC switched by PUT: on, NSEC3 parameters changed, off again
  createZone('put.example.'),
  { method: 'PUT', path: `${ZONES}/put.example.`, status: 204, body: { dnssec: true } },
  { ...getZone('put.example.', '?rrsets=false'), ...NSEC3_DEFAULT },
  { method: 'PUT', path: `${ZONES}/put.example.`, status: 204, body: { nsec3param: '1 0 1 ab' } },
  getZone('put.example.', '?rrsets=false'),
  { method: 'GET', path: `${ZONES}/put.example./metadata`, status: 200 },
  { method: 'PUT', path: `${ZONES}/put.example.`, status: 204, body: { dnssec: false } },
  getZone('put.example.', '?rrsets=false'),
  { method: 'GET', path: `${ZONES}/put.example./cryptokeys`, status: 200, norm: { ignore: KEY_VOLATILE } },
]));

test('cache flush and cryptokeys of an unsigned zone', o, () => pair.check(['cf.example.'], [
  createZone('cf.example.'),
  { method: 'PUT', path: `${SERVER}/cache/flush?domain=cf.example.`, status: 200, norm: { ignore: ['$.count'] } },
  { method: 'GET', path: `${ZONES}/cf.example./cryptokeys`, status: 200 },
]));

test('zone ids: =2F for a slash (RFC 2317), %2F accepted, upper case names', o, () => pair.check(['0/26.2.0.192.in-addr.arpa.', 'upper.example.'], [
  { method: 'POST', path: ZONES, status: 201, body: { name: '0/26.2.0.192.in-addr.arpa.', kind: 'Native', nameservers: ['ns1.example.'] } },
  getZone('0=2F26.2.0.192.in-addr.arpa.'),
  getZone('0%2F26.2.0.192.in-addr.arpa.', '?rrsets=false'),
  { method: 'GET', path: `${ZONES}?zone=0/26.2.0.192.in-addr.arpa.`, status: 200 },
  replace('0=2F26.2.0.192.in-addr.arpa.', '5.0/26.2.0.192.in-addr.arpa.', 'PTR', ['host.example.']),
  getZone('0=2F26.2.0.192.in-addr.arpa.'),
  { method: 'POST', path: ZONES, status: 201, body: { name: 'Upper.Example.', kind: 'Native', nameservers: ['NS1.Example.'] } },
  getZone('upper.example.'),
  getZone('UPPER.example.', '?rrsets=false'),
]));

test('authentication: no key and a wrong key are 401, the header name in any case', o, () => pair.check([], [
  { method: 'GET', path: ZONES, noKey: true, status: 401 },
  { method: 'GET', path: ZONES, headers: { 'X-API-Key': 'wrong' }, status: 401 },
  { method: 'GET', path: ZONES, headers: { 'x-api-key': API_KEY }, status: 200 },
]));
