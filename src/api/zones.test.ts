import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RRType, nameFromText, rdataToText } from '../wire/index.js';
import { parseZoneText, buildZone } from '../zone/index.js';
import { startKit, Z } from './test-kit.js';
import type { Kit } from './test-kit.js';

const T = { timeout: 60_000 };
const rr = (name: string, type: string, ttl: number, ...contents: string[]) =>
  ({ name, type, ttl, changetype: 'REPLACE', records: contents.map((content) => ({ content, disabled: false })) });

/** What the served snapshot answers at a name (the change reached DNS). */
function served(k: Kit, zone: string, owner: string, type: number): string[] {
  const z = k.catalog.zone(zone);
  const node = z?.node(z.lookup(nameFromText(owner)).node?.key ?? '');
  return (node?.get(type)?.rdata ?? []).map((r) => rdataToText(type, r));
}

describe('api zones (SQLite)', { ...T, concurrency: false }, () => {
  let k: Kit;
  const fileZone = buildZone(nameFromText('files.test.'), parseZoneText(
    '$TTL 300\n@ SOA ns1 h 7 1 1 1 1\n@ NS ns1\nns1 A 192.0.2.9\n', { origin: nameFromText('files.test.') }));
  before(async () => { k = await startKit('sqlite', { fileZones: [fileZone] }); });
  after(async () => { await k?.close(); });

  it('creates a zone with nameservers and rrsets (201, Zone object, SOA-EDIT-API DEFAULT applied)', async () => {
    const r = await k.req('POST', Z, {
      name: 'example.org.', kind: 'native', nameservers: ['ns1.example.org.', 'ns2.example.net.'],
      rrsets: [rr('www.example.org.', 'A', 60, '192.0.2.1')],
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, 'example.org.');
    assert.equal(r.json.kind, 'Native');
    assert.equal(r.json.soa_edit_api, 'DEFAULT');
    assert.match(String(r.json.serial), /^20\d{6}01$/);
    const soa = r.json.rrsets.find((s: { type: string }) => s.type === 'SOA');
    assert.match(soa.records[0].content, /^a\.misconfigured\.dns\.server\.invalid\. hostmaster\.example\.org\. 20\d{6}01 10800 3600 604800 3600$/);
    const ns = r.json.rrsets.find((s: { type: string }) => s.type === 'NS');
    assert.deepEqual(ns.records.map((x: { content: string }) => x.content).sort(), ['ns1.example.org.', 'ns2.example.net.']);
    assert.deepEqual(served(k, 'example.org.', 'www.example.org.', RRType.A), ['192.0.2.1']);
  });

  it('refuses a second zone of that name (409) and lists zones, file zones too', async () => {
    assert.equal((await k.req('POST', Z, { name: 'example.org.', kind: 'Native' })).status, 409);
    const r = await k.req('GET', Z);
    assert.deepEqual(r.json.map((z: { name: string }) => z.name), ['example.org.', 'files.test.']);
    assert.equal((await k.req('GET', `${Z}?zone=example.org.`)).json.length, 1);
    assert.equal((await k.req('GET', `${Z}?zone=nope.org.`)).json.length, 0);
    assert.equal((await k.req('GET', `${Z}?zone=example.org`)).json.error, "DNS Name 'example.org' is not canonical");
    assert.ok(!('dnssec' in (await k.req('GET', `${Z}?dnssec=false`)).json[0]));
  });

  it('accepts every spelling of zone kinds and masters forms, echoed as PowerDNS 4.7', async () => {
    const kinds: [string, string][] = [['MASTER', 'Master'], ['primary', 'Master'], ['Slave', 'Slave'], ['SECONDARY', 'Slave'],
      ['producer', 'Producer'], ['Consumer', 'Consumer'], ['NATIVE', 'Native']];
    for (const [i, [kind, echo]] of kinds.entries()) {
      const masters = ['192.0.2.1', '192.0.2.2:53', '192.0.2.2:5300', '[2001:db8::1]:5300', '2001:db8::2'];
      const r = await k.req('POST', Z, { name: `k${i}.test.`, kind, masters });
      if (echo === 'Slave' || echo === 'Consumer') {
        // Secondaries are made by replication (test/e2e/api-serve.test.ts); without it the API says so.
        assert.equal(r.status, 422, r.text);
        assert.match(r.json.error, /zone transfers are not running/);
        continue;
      }
      assert.equal(r.status, 201, `${kind}: ${r.text}`);
      assert.equal(r.json.kind, echo);
      assert.deepEqual(r.json.masters, ['192.0.2.1', '192.0.2.2', '192.0.2.2:5300', '[2001:db8::1]:5300', '2001:db8::2']);
      assert.equal((await k.req('DELETE', `${Z}/k${i}.test.`)).status, 204);
    }
    const typo = await k.req('POST', Z, { name: 'typo.test.', kind: 'Mastre' });
    assert.equal(typo.status, 422);
    assert.match(typo.json.error, /Zone kind 'Mastre' is not one of/);
    const bad = await k.req('POST', Z, { name: 'bad.test.', kind: 'Master', masters: ['ns.example.org'] });
    assert.equal(bad.status, 422);
    assert.match(bad.json.error, /is not an IP address/);
  });

  it('PATCH REPLACE is in DNS answers when the 204 comes back, with serial headers', async () => {
    const r = await k.req('PATCH', `${Z}/example.org`, { rrsets: [rr('www.example.org.', 'A', 60, '192.0.2.7', '192.0.2.8')] });
    assert.equal(r.status, 204, r.text);
    assert.ok(Number(r.headers['x-pdns-new-serial']) > Number(r.headers['x-pdns-old-serial']));
    assert.deepEqual(served(k, 'example.org.', 'www.example.org.', RRType.A).sort(), ['192.0.2.7', '192.0.2.8']);
  });

  it('PATCH with comments, GET with rrset_name/rrset_type/include_disabled filters', async () => {
    const r = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [{
      ...rr('txt.example.org.', 'TXT', 120, '"on"'), records: [{ content: '"on"' }, { content: '"off"', disabled: true }],
      comments: [{ content: 'why', account: 'alice' }],
    }] });
    assert.equal(r.status, 204, r.text);
    const g = await k.req('GET', `${Z}/example.org.?rrset_name=txt.example.org.&rrset_type=TXT`);
    assert.equal(g.json.rrsets.length, 1);
    assert.deepEqual(g.json.rrsets[0].records, [{ content: '"on"', disabled: false }, { content: '"off"', disabled: true }]);
    assert.equal(g.json.rrsets[0].comments[0].content, 'why');
    assert.equal(g.json.rrsets[0].comments[0].account, 'alice');
    const en = await k.req('GET', `${Z}/example.org.?rrset_name=txt.example.org.&include_disabled=false`);
    assert.deepEqual(en.json.rrsets[0].records, [{ content: '"on"', disabled: false }]);
    assert.deepEqual(served(k, 'example.org.', 'txt.example.org.', RRType.TXT), ['"on"']);
    assert.ok(!('rrsets' in (await k.req('GET', `${Z}/example.org.?rrsets=false`)).json));
  });

  it('answers record content in PowerDNS spelling (hex in lower case, SVCB values unquoted)', async () => {
    const tlsa = '3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const r = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [
      rr('_443._tcp.example.org.', 'TLSA', 60, tlsa), rr('example.org.', 'HTTPS', 60, '1 . alpn=h2,h3'),
      rr('sub.example.org.', 'DS', 60, '12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')] });
    assert.equal(r.status, 204, r.text);
    const g = await k.req('GET', `${Z}/example.org.`);
    const content = (name: string, type: string): string => g.json.rrsets.find((s: { name: string; type: string }) => s.name === name && s.type === type).records[0].content;
    assert.equal(content('_443._tcp.example.org.', 'TLSA'), tlsa);
    assert.equal(content('example.org.', 'HTTPS'), '1 . alpn=h2,h3');
    assert.match(content('sub.example.org.', 'DS'), / 0123456789abcdef/);
  });

  it('takes CERT, APL, AFSDB and KX as PowerDNS 4.7 does, answering them in its spelling', async () => {
    const r = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [
      rr('cert.example.org.', 'CERT', 60, '1 65535 8 MIIB', '253 0 0 aHR0cA=='), rr('apl.example.org.', 'APL', 60, '1:192.0.2.0/24 !2:2001:DB8::/32', '1:0.0.0.0/0 2:::/0', ''),
      rr('afs.example.org.', 'AFSDB', 60, '1 AFS.Example.NET.'), rr('kx.example.org.', 'KX', 60, '10 kx.example.net.')] });
    assert.equal(r.status, 204, r.text);
    const g = await k.req('GET', `${Z}/example.org.`);
    const contents = (name: string, type: string): string[] => g.json.rrsets.find((s: { name: string; type: string }) => s.name === name && s.type === type)
      .records.map((x: { content: string }) => x.content).sort();
    assert.deepEqual(contents('cert.example.org.', 'CERT'), ['1 65535 8 MIIB', '253 0 0 aHR0cA==']);
    assert.deepEqual(contents('apl.example.org.', 'APL'), ['', '1:0.0.0.0/0 2:::/0', '1:192.0.2.0/24 !2:2001:db8::/32']);
    assert.deepEqual(contents('afs.example.org.', 'AFSDB'), ['1 AFS.Example.NET.']);
    assert.deepEqual(served(k, 'example.org.', 'cert.example.org.', RRType.CERT).sort(), ['PKIX 65535 RSASHA256 MIIB', 'URI 0 0 aHR0cA==']);
    assert.deepEqual(served(k, 'example.org.', 'kx.example.org.', RRType.KX), ['10 kx.example.net.']);
    assert.equal(served(k, 'example.org.', 'apl.example.org.', RRType.APL).length, 3);
  });

  it('takes a quoted URI target, escapes included (stored as printed: PowerDNS keeps the escape)', async () => {
    const r = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [rr('_http._tcp.example.org.', 'URI', 60, '10 1 "\\104ttps://example.org/"')] });
    assert.equal(r.status, 204, r.text);
    const g = await k.req('GET', `${Z}/example.org.?rrset_name=_http._tcp.example.org.&rrset_type=URI`);
    assert.equal(g.json.rrsets[0].records[0].content, '10 1 "https://example.org/"');
    assert.deepEqual(served(k, 'example.org.', '_http._tcp.example.org.', RRType.URI), ['10 1 "https://example.org/"']);
  });

  it('keeps TXT content as written (escapes included), serving the same data', async () => {
    const dkim = '"v=DKIM1\\; k=rsa\\; p=MIGf"';
    const r = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [rr('sel._domainkey.example.org.', 'TXT', 60, dkim)] });
    assert.equal(r.status, 204, r.text);
    const g = await k.req('GET', `${Z}/example.org.?rrset_name=sel._domainkey.example.org.&rrset_type=TXT`);
    assert.equal(g.json.rrsets[0].records[0].content, dkim);
    assert.deepEqual(served(k, 'example.org.', 'sel._domainkey.example.org.', RRType.TXT), ['"v=DKIM1; k=rsa; p=MIGf"']);
  });

  it('EXTEND adds one record, PRUNE removes it (PowerDNS 5 change types)', async () => {
    const ext = (changetype: string, content: string) => k.req('PATCH', `${Z}/example.org.`, {
      rrsets: [{ name: '_acme-challenge.example.org.', type: 'TXT', ttl: 60, changetype, records: [{ content }] }] });
    assert.equal((await ext('EXTEND', '"a"')).status, 204);
    assert.equal((await ext('EXTEND', '"b"')).status, 204);
    assert.equal((await ext('EXTEND', '"b"')).status, 204);
    assert.deepEqual(served(k, 'example.org.', '_acme-challenge.example.org.', RRType.TXT).sort(), ['"a"', '"b"']);
    assert.equal((await ext('PRUNE', '"a"')).status, 204);
    assert.deepEqual(served(k, 'example.org.', '_acme-challenge.example.org.', RRType.TXT), ['"b"']);
    // PRUNE without a TTL (PowerDNS's own example) keeps the RRset's TTL.
    const p = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [{ name: '_acme-challenge.example.org.', type: 'TXT', changetype: 'PRUNE', records: [{ content: '"x"' }] }] });
    assert.equal(p.status, 204, p.text);
    // Several EXTEND/PRUNE of one RRset in one body, after a REPLACE: applied in order.
    const seq = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [
      { name: 'seq.example.org.', type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: '"r"' }] },
      { name: 'seq.example.org.', type: 'TXT', ttl: 60, changetype: 'EXTEND', records: [{ content: '"e1"' }] },
      { name: 'seq.example.org.', type: 'TXT', ttl: 60, changetype: 'EXTEND', records: [{ content: '"e2"' }] },
      { name: 'seq.example.org.', type: 'TXT', ttl: 60, changetype: 'PRUNE', records: [{ content: '"r"' }] },
      { name: '_acme-challenge.example.org.', type: 'TXT', changetype: 'EXTEND', records: [{ content: '"c"' }] },
      { name: '_acme-challenge.example.org.', type: 'TXT', changetype: 'PRUNE', records: [{ content: '"b"' }] },
    ] });
    assert.equal(seq.status, 204, seq.text);
    assert.deepEqual(served(k, 'example.org.', 'seq.example.org.', RRType.TXT).sort(), ['"e1"', '"e2"']);
    assert.deepEqual(served(k, 'example.org.', '_acme-challenge.example.org.', RRType.TXT), ['"c"']);
    const two = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [{ name: 'x.example.org.', type: 'TXT', ttl: 60, changetype: 'EXTEND', records: [{ content: '"1"' }, { content: '"2"' }] }] });
    assert.equal(two.status, 422);
  });

  const refused: [string, unknown, RegExp][] = [
    ['content that does not parse', { rrsets: [rr('a.example.org.', 'A', 60, '1.2.3')] }, /^Record a\.example\.org\.\/A '1\.2\.3': /],
    ['TXT content without quotes', { rrsets: [rr('t.example.org.', 'TXT', 60, 'no quotes here')] }, /Data field in DNS should start with quote/],
    ['an AAAA that is not an address', { rrsets: [rr('a.example.org.', 'AAAA', 60, '192.0.2.1')] }, /Invalid IPv6 address/],
    ['a relative name in content', { rrsets: [rr('c.example.org.', 'CNAME', 60, 'www')] }, /Not in expected format \(parsed as 'www\.'\)/],
    ['a name outside the zone', { rrsets: [rr('www.example.com.', 'A', 60, '192.0.2.1')] }, /RRset www\.example\.com\. IN A: Name is out of zone/],
    ['a name that is not canonical', { rrsets: [rr('www.example.org', 'A', 60, '192.0.2.1')] }, /DNS Name 'www\.example\.org' is not canonical/],
    ['CNAME beside other data', { rrsets: [rr('www.example.org.', 'CNAME', 60, 'example.org.')] }, /RRset www\.example\.org\. IN CNAME: Conflicts with pre-existing RRset/],
    ['a disabled record beside a CNAME', { rrsets: [rr('cn.example.org.', 'CNAME', 60, 'www.example.org.'), { ...rr('cn.example.org.', 'A', 60, '192.0.2.1'), records: [{ content: '192.0.2.1', disabled: true }] }] }, /RRset cn\.example\.org\. IN A: Conflicts with pre-existing RRset/],
    ['NS and DNAME at one name below the apex', { rrsets: [rr('sub.example.org.', 'NS', 60, 'ns.example.net.'), rr('sub.example.org.', 'DNAME', 60, 'example.net.')] }, /Cannot have both NS and DNAME except in zone apex/],
    ['MX content not in canonical form', { rrsets: [rr('m.example.org.', 'MX', 60, '010 mail.example.org.')] }, /Not in expected format \(parsed as '10 mail\.example\.org\.'\)/],
    ['a CAA value without quotes', { rrsets: [rr('example.org.', 'CAA', 60, '0 issue letsencrypt.org')] }, /Not in expected format/],
    ['a URI target without quotes', { rrsets: [rr('u.example.org.', 'URI', 60, '10 1 https://example.org/')] }, /^Record u\.example\.org\.\/URI '10 1 https:\/\/example\.org\/': .*should start with quote \("\) at position 5/],
    ['URI numbers not in canonical form', { rrsets: [rr('u.example.org.', 'URI', 60, '010 1 "x"')] }, /Not in expected format \(parsed as '10 1 "x"'\)/],
    ['CERT with mnemonics', { rrsets: [rr('c.example.org.', 'CERT', 60, 'PKIX 0 RSASHA256 MIIB')] }, /Not in expected format \(parsed as '1 0 8 MIIB'\)/],
    ['CERT type 0', { rrsets: [rr('c.example.org.', 'CERT', 60, '0 0 0 MIIB')] }, /CERT type 0 is reserved/],
    ['CERT base64 split in two', { rrsets: [rr('c.example.org.', 'CERT', 60, '1 0 0 MI IB')] }, /Not in expected format/],
    ['APL bits past the prefix', { rrsets: [rr('a.example.org.', 'APL', 60, '1:192.0.2.1/24')] }, /Not in expected format \(parsed as '1:192\.0\.2\.0\/24'\)/],
    ['APL of an unknown family', { rrsets: [rr('a.example.org.', 'APL', 60, '3:192.0.2.0/24')] }, /family must be 1/],
    ['a relative AFSDB host', { rrsets: [rr('a.example.org.', 'AFSDB', 60, '1 afs')] }, /Not in expected format \(parsed as '1 afs\.'\)/],
    ['KX preference not in canonical form', { rrsets: [rr('k.example.org.', 'KX', 60, '010 kx.example.net.')] }, /Not in expected format/],
    ['two CNAME records', { rrsets: [rr('c.example.org.', 'CNAME', 60, 'a.example.org.', 'b.example.org.')] }, /RRset c\.example\.org\. IN CNAME has more than one record/],
    ['a second SOA', { rrsets: [rr('example.org.', 'SOA', 60, 'a. b. 1 2 3 4 5', 'c. d. 1 2 3 4 5')] }, /IN SOA has more than one record/],
    ['an SOA below the apex', { rrsets: [rr('x.example.org.', 'SOA', 60, 'a. b. 1 2 3 4 5')] }, /is only allowed at apex/],
    ['a label over 63 octets', { rrsets: [rr(`${'a'.repeat(64)}.example.org.`, 'A', 60, '192.0.2.1')] }, /Unable to parse DNS Name/],
    ['a name over 255 octets', { rrsets: [rr(`${'abcdefghi.'.repeat(26)}example.org.`, 'A', 60, '192.0.2.1')] }, /Unable to parse DNS Name/],
    ['a duplicate record', { rrsets: [rr('d.example.org.', 'A', 60, '192.0.2.1', '192.0.2.1')] }, /Duplicate record in RRset/],
    ['an unknown type', { rrsets: [rr('d.example.org.', 'BOGUS', 60, 'x')] }, /IN BOGUS: unknown type given/],
    ['a missing TTL', { rrsets: [{ name: 'd.example.org.', type: 'A', changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] }] }, /Key 'ttl' not an Integer or not present/],
    ['an unknown changetype', { rrsets: [{ ...rr('d.example.org.', 'A', 60, '192.0.2.1'), changetype: 'UPSERT' }] }, /Changetype/],
    ['no rrsets', { foo: 1 }, /No rrsets given in update request/],
    ['the same RRset twice', { rrsets: [rr('d.example.org.', 'A', 60, '192.0.2.1'), rr('d.example.org.', 'A', 60, '192.0.2.2')] }, /Duplicate RRset d\.example\.org\. IN A with changetype: REPLACE/],
    ['REPLACE without records or comments', { rrsets: [{ name: 'd.example.org.', type: 'A', changetype: 'REPLACE' }] }, /No change for RRset/],
  ];
  for (const [what, body, message] of refused) {
    it(`422 for ${what}, nothing written`, async () => {
      const before = k.catalog.zone('example.org.')!.serial;
      const r = await k.req('PATCH', `${Z}/example.org.`, {
        rrsets: [rr('ok.example.org.', 'A', 60, '192.0.2.99'), ...((body as { rrsets?: unknown[] }).rrsets ?? [])], ...('foo' in (body as object) ? { rrsets: undefined } : {}),
      });
      assert.equal(r.status, 422, r.text);
      assert.match(r.json.error, message);
      assert.equal(k.catalog.zone('example.org.')!.serial, before);
      assert.deepEqual(served(k, 'example.org.', 'ok.example.org.', RRType.A), []);
    });
  }

  it('long zone names work in URLs (ids over 100 characters)', async () => {
    const name = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.test.`;
    assert.equal((await k.req('POST', Z, { name, kind: 'Native', nameservers: ['ns1.example.org.'] })).status, 201);
    assert.equal((await k.req('GET', `${Z}/${name}`)).status, 200);
    assert.equal((await k.req('DELETE', `${Z}/${name}`)).status, 204);
  });

  it('a body over 2 MiB is refused (413); a body that is not JSON is 400; no Content-Type is fine', async () => {
    const big = await k.req('PATCH', `${Z}/example.org.`, JSON.stringify({ rrsets: [], pad: 'x'.repeat(2 * 1024 * 1024) }));
    assert.equal(big.status, 413);
    assert.equal((await k.req('PATCH', `${Z}/example.org.`, '{not json')).status, 400);
    const r = await k.app.inject({ method: 'PATCH', url: `${Z}/example.org.`, headers: { 'x-api-key': 'test-bootstrap-key' },
      payload: JSON.stringify({ rrsets: [rr('nct.example.org.', 'A', 60, '192.0.2.5')] }), remoteAddress: '127.0.0.1' });
    assert.equal(r.statusCode, 204, r.body);
  });

  it('zone-file zones are read: GET works, writes get 422', async () => {
    const g = await k.req('GET', `${Z}/files.test.`);
    assert.equal(g.status, 200);
    assert.ok(g.json.rrsets.some((s: { name: string; type: string }) => s.name === 'ns1.files.test.' && s.type === 'A'));
    const p = await k.req('PATCH', `${Z}/files.test.`, { rrsets: [rr('x.files.test.', 'A', 60, '192.0.2.1')] });
    assert.equal(p.status, 422);
    assert.match(p.json.error, /zone file/);
    assert.equal((await k.req('DELETE', `${Z}/files.test.`)).status, 422);
  });

  it('concurrent PATCHes to one zone: all 2xx, all applied, serial counts each', async () => {
    const before = k.catalog.zone('example.org.')!.serial;
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      k.req('PATCH', `${Z}/example.org.`, { rrsets: [rr(`c${i}.example.org.`, 'A', 60, `192.0.2.${i + 1}`)] })));
    assert.deepEqual(rs.map((r) => r.status), rs.map(() => 204));
    for (let i = 0; i < 20; i++) assert.deepEqual(served(k, 'example.org.', `c${i}.example.org.`, RRType.A), [`192.0.2.${i + 1}`]);
    assert.ok(k.catalog.zone('example.org.')!.serial >= before + 1);
  });

  it('export (text and JSON), rectify, notify', async () => {
    const t = await k.req('GET', `${Z}/example.org./export`, undefined, { accept: 'text/plain' });
    assert.equal(t.status, 200);
    assert.match(t.text, /^example\.org\.\t3600\tIN\tSOA\t/);
    assert.match(t.text, /\nwww\.example\.org\.\t60\tIN\tA\t192\.0\.2\.7\n/);
    const j = await k.req('GET', `${Z}/example.org./export`);
    assert.equal(typeof j.json.zone, 'string');
    assert.deepEqual((await k.req('PUT', `${Z}/example.org./rectify`)).json, { result: 'Rectified' });
    assert.deepEqual((await k.req('PUT', `${Z}/example.org./notify`)).json, { result: 'Notification queued' });
    assert.equal((await k.req('PUT', `${Z}/example.org./axfr-retrieve`)).status, 422);
  });

  it('metadata: kinds as PowerDNS allows, POST merges, PUT replaces, DELETE empties', async () => {
    const base = `${Z}/example.org./metadata`;
    assert.equal((await k.req('POST', base, { kind: 'ALSO-NOTIFY', metadata: ['192.0.2.1'] })).status, 201);
    const m = await k.req('POST', base, { kind: 'ALSO-NOTIFY', metadata: ['192.0.2.1', '192.0.2.2:5300'] });
    assert.deepEqual(m.json, { type: 'Metadata', kind: 'ALSO-NOTIFY', metadata: ['192.0.2.1', '192.0.2.2:5300'] });
    assert.deepEqual((await k.req('PUT', `${base}/X-MINE`, { metadata: ['a'] })).json, { type: 'Metadata', kind: 'X-MINE', metadata: ['a'] });
    assert.equal((await k.req('PUT', `${base}/NSEC3PARAM`, { metadata: ['1 0 0 -'] })).status, 422);
    assert.equal((await k.req('PUT', `${base}/BOGUS`, { metadata: [] })).status, 422);
    const all = await k.req('GET', base);
    assert.deepEqual(all.json.map((x: { kind: string }) => x.kind), ['ALSO-NOTIFY', 'SOA-EDIT-API', 'X-MINE']);
    assert.equal((await k.req('DELETE', `${base}/X-MINE`)).status, 204);
    assert.deepEqual((await k.req('GET', `${base}/X-MINE`)).json.metadata, []);
  });

  it('PUT zone changes kind, masters, account and soa_edit_api', async () => {
    assert.equal((await k.req('PUT', `${Z}/example.org.`, { kind: 'Master', account: 'team', soa_edit_api: 'EPOCH' })).status, 204);
    const g = await k.req('GET', `${Z}/example.org.?rrsets=false`);
    assert.equal(g.json.kind, 'Master');
    assert.equal(g.json.account, 'team');
    assert.equal(g.json.soa_edit_api, 'EPOCH');
  });

  it('create from zone text; rrsets AND zone text refused; $INCLUDE refused', async () => {
    const text = 'text.test. 3600 IN SOA ns.text.test. h.text.test. 5 1 1 1 1\ntext.test. 3600 IN NS ns.text.test.\nns.text.test. 300 IN A 192.0.2.3\n';
    const r = await k.req('POST', Z, { name: 'text.test.', kind: 'Native', zone: text });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(served(k, 'text.test.', 'ns.text.test.', RRType.A), ['192.0.2.3']);
    assert.equal((await k.req('POST', Z, { name: 'both.test.', kind: 'Native', zone: text, rrsets: [] })).json.error, 'You cannot give rrsets AND zone data as text');
    assert.match((await k.req('POST', Z, { name: 'inc.test.', kind: 'Native', zone: '$INCLUDE /etc/passwd\n' })).json.error, /\$INCLUDE/);
  });

  it('dnssec: true signs the new zone', async () => {
    const r = await k.req('POST', Z, { name: 'signed.test.', kind: 'Native', dnssec: true, nameservers: ['ns1.example.org.'] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.dnssec, true);
    assert.ok(k.catalog.zone('signed.test.')!.apex.has(RRType.DNSKEY));
  });

  it('search-data finds zones, records and comments', async () => {
    const r = await k.req('GET', '/api/v1/servers/localhost/search-data?q=*example*&max=500');
    const types = new Set(r.json.map((x: { object_type: string }) => x.object_type));
    assert.ok(types.has('zone') && types.has('record'));
    const c = await k.req('GET', '/api/v1/servers/localhost/search-data?q=why&object_type=comment');
    assert.deepEqual(c.json.map((x: { name: string }) => x.name), ['txt.example.org.']);
    assert.equal((await k.req('GET', '/api/v1/servers/localhost/search-data?q=')).status, 422);
    // PowerDNS stores names without the final dot: a query without it finds zones and records.
    assert.deepEqual((await k.req('GET', '/api/v1/servers/localhost/search-data?q=example.org&object_type=zone')).json.map((x: { name: string }) => x.name), ['example.org.']);
    assert.equal((await k.req('GET', '/api/v1/servers/localhost/search-data?q=www.example.org&object_type=record')).json.length, 2);
  });

  it('TSIG keys: create (secret generated), read, rename, delete; errors as PowerDNS', async () => {
    const base = '/api/v1/servers/localhost/tsigkeys';
    const c = await k.req('POST', base, { name: 'xfer', algorithm: 'hmac-sha256' });
    assert.equal(c.status, 201);
    assert.equal(Buffer.from(c.json.key, 'base64').length, 32);
    assert.equal(c.json.id, 'xfer.');
    assert.equal((await k.req('POST', base, { name: 'xfer', algorithm: 'hmac-sha256' })).status, 409);
    assert.match((await k.req('POST', base, { name: 'y', algorithm: 'hmac-foo' })).json.error, /Unknown TSIG algorithm/);
    assert.equal((await k.req('GET', base)).json[0].key, '');
    assert.equal((await k.req('PUT', `${base}/xfer.`, { name: 'xfer2' })).json.name, 'xfer2');
    assert.equal((await k.req('GET', `${base}/xfer.`)).status, 404);
    assert.equal((await k.req('DELETE', `${base}/xfer2.`)).status, 204);
  });

  it('autoprimaries, statistics, config, cache flush, discovery', async () => {
    const base = '/api/v1/servers/localhost/autoprimaries';
    assert.equal((await k.req('POST', base, { ip: '192.0.2.1', nameserver: 'ns.example.net.' })).status, 201);
    assert.deepEqual((await k.req('GET', base)).json, [{ ip: '192.0.2.1', nameserver: 'ns.example.net.', account: '' }]);
    assert.equal((await k.req('DELETE', `${base}/192.0.2.1/ns.example.net.`)).status, 204);
    assert.ok((await k.req('GET', '/api/v1/servers/localhost/statistics')).json.some((s: { name: string }) => s.name === 'uptime'));
    assert.equal((await k.req('GET', '/api/v1/servers/localhost/statistics?statistic=nope')).status, 422);
    assert.ok((await k.req('GET', '/api/v1/servers/localhost/config')).json.every((s: { type: string }) => s.type === 'ConfigSetting'));
    assert.deepEqual((await k.req('PUT', '/api/v1/servers/localhost/cache/flush?domain=example.org.')).json, { count: 0, result: 'Flushed cache.' });
    assert.deepEqual((await k.req('GET', '/api')).json, [{ url: '/api/v1', version: 1 }]);
    assert.equal((await k.req('GET', '/api/v1/servers/localhost')).json.id, 'localhost');
    assert.equal((await k.req('GET', '/api/v1/servers/other')).status, 404);
    assert.deepEqual((await k.req('GET', '/api/v1')).json, [{ server_url: '/api/v1/servers{/server}', api_features: [] }]);
    const wrong = await k.req('POST', `${Z}/example.org.`, {});
    assert.equal(wrong.status, 405);
    assert.deepEqual(wrong.json, { error: 'Method Not Allowed' });
    const missing = await k.app.inject({ url: `${Z}/absent.org.`, headers: { 'x-api-key': 'test-bootstrap-key' }, remoteAddress: '127.0.0.1' });
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /application\/json/);
    assert.deepEqual(JSON.parse(missing.body), { error: 'Not Found' });
  });

  it('OpenAPI document served', async () => {
    const r = await k.app.inject({ url: '/api/docs/openapi.json', remoteAddress: '127.0.0.1' });
    assert.equal(r.statusCode, 200);
    assert.ok(JSON.parse(r.body).paths['/api/v1/servers/localhost/zones/{zone_id}']);
  });

  it('DELETE zone: gone from DNS when the 204 comes back', async () => {
    assert.equal((await k.req('DELETE', `${Z}/text.test.`)).status, 204);
    assert.equal(k.catalog.zone('text.test.'), undefined);
    assert.equal((await k.req('GET', `${Z}/text.test.`)).status, 404);
  });
});
