/** The normalizer and comparer of the API differential tests: what they hide and what they must not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { differences, normalize } from './normalize.js';
import type { ApiResponse } from './http.js';

const json = (status: number, body: unknown): ApiResponse => ({ status, contentType: 'application/json', body, text: JSON.stringify(body) });

const zone = (rrsets: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'a.example.', name: 'a.example.', kind: 'Native', serial: 2026113001, rrsets, ...extra,
});

test('order of keys, rrsets, records and comments does not matter; modified_at is any time', () => {
  const a = normalize(json(200, zone([
    { name: 'www.a.example.', type: 'A', ttl: 60, records: [{ content: '192.0.2.2', disabled: false }, { content: '192.0.2.1', disabled: true }], comments: [{ content: 'c', account: '', modified_at: 1 }] },
    { name: 'a.example.', type: 'NS', ttl: 60, records: [{ content: 'ns1.a.example.', disabled: false }], comments: [] },
  ])));
  const b = normalize(json(200, zone([
    { type: 'NS', name: 'a.example.', ttl: 60, records: [{ disabled: false, content: 'ns1.a.example.' }], comments: [] },
    { name: 'www.a.example.', type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: true }, { content: '192.0.2.2', disabled: false }], comments: [{ account: '', content: 'c', modified_at: 99 }] },
  ])));
  assert.deepEqual(differences(a.body, b.body), []);
});

test('a different TTL, content, disabled flag, serial, or a missing or extra field is a difference with its path', () => {
  const base = { name: 'www.a.example.', type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: false }], comments: [] };
  const a = normalize(json(200, zone([base]))).body;
  const cases: Array<[unknown, RegExp]> = [
    [zone([{ ...base, ttl: 61 }]), /\$\.rrsets\[0\]\.ttl: pdns 60, geodesic 61/],
    [zone([{ ...base, records: [{ content: '192.0.2.9', disabled: false }] }]), /records\[0\]\.content/],
    [zone([{ ...base, records: [{ content: '192.0.2.1', disabled: true }] }]), /records\[0\]\.disabled/],
    [zone([base], { serial: 2026113002 }), /\$\.serial/],
    [zone([base], { catalog: '' }), /\$\.catalog: only geodesic/],
    [{ id: 'a.example.', name: 'a.example.', kind: 'Native', rrsets: [base] }, /\$\.serial: only pdns/],
    [zone([base, { ...base, type: 'TXT', records: [{ content: '"x"', disabled: false }] }]), /1 entries from pdns, 2 from geodesic/],
  ];
  for (const [other, re] of cases) {
    const d = differences(a, normalize(json(200, other)).body);
    assert.ok(d.some((l) => re.test(l)), `${re} not in:\n${d.join('\n')}`);
  }
});

test('errors compare by status only; a 204 must have no body', () => {
  const text: ApiResponse = { status: 404, contentType: 'text/plain', body: 'Not Found', text: 'Not Found' };
  assert.deepEqual(normalize(text), normalize(json(404, { error: 'Could not find zone' })));
  assert.notDeepEqual(normalize(text), normalize(json(422, { error: 'x' })));
  assert.deepEqual(normalize({ status: 204, contentType: '', body: null, text: '' }), { status: 204, body: null });
  assert.match(String(normalize({ status: 204, contentType: '', body: 'x', text: 'x' }).body), /unexpected body/);
});

test('clock serials and ignored paths; the rrset filter drops PowerDNS 4.7 artefacts only', () => {
  const soa = (serial: number): Record<string, unknown> => zone([{ name: 'a.example.', type: 'SOA', ttl: 60, comments: [], records: [{ content: `ns1.a.example. h.a.example. ${serial} 1 2 3 4`, disabled: false }] }], { serial, edited_serial: serial });
  assert.deepEqual(differences(normalize(json(200, soa(1796010728)), { clockSerial: true }).body, normalize(json(200, soa(1796010731)), { clockSerial: true }).body), []);
  assert.notDeepEqual(differences(normalize(json(200, soa(1796010728))).body, normalize(json(200, soa(1796010731))).body), []);
  assert.deepEqual(differences(normalize(json(200, { count: 3, result: 'x' }), { ignore: ['$.count'] }).body, normalize(json(200, { count: 1, result: 'x' }), { ignore: ['$.count'] }).body), []);
  const www = { name: 'www.a.example.', type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: false }, { content: '192.0.2.2', disabled: true }], comments: [] };
  const leak = { name: 'other.a.example.', type: 'A', ttl: 0, records: [], comments: [{ content: 'c', account: '', modified_at: 1 }] };
  const filter = { rrsetFilter: { name: 'www.a.example.', type: 'A' } };
  const pdns = normalize(json(200, zone([{ ...www, records: [www.records[0]] }, leak])), filter).body;
  assert.deepEqual(differences(pdns, normalize(json(200, zone([www])), filter).body), []);
  assert.notDeepEqual(differences(pdns, normalize(json(200, zone([{ ...www, ttl: 5 }])), filter).body), []);
});

test('export text: line order and spacing do not matter, content does', () => {
  const t = (text: string): ApiResponse => ({ status: 200, contentType: 'text/plain', body: text, text });
  const a = normalize(t('b.a.\t60\tIN\tA\t192.0.2.1\na.a.\t60\tIN\tA\t192.0.2.2\n')).body;
  assert.deepEqual(differences(a, normalize(t('a.a. 60 IN A 192.0.2.2\nb.a.  60 IN A 192.0.2.1\n\n')).body), []);
  assert.notDeepEqual(differences(a, normalize(t('a.a. 60 IN A 192.0.2.2\nb.a. 60 IN A 192.0.2.3\n')).body), []);
});

test("clients' own readings: acme.sh finds challenges in PowerDNS's spacing and in compact JSON, not when records come before the name", async () => {
  const { acmeExistingChallenges } = await import('./clients.js');
  const pdns = '{"rrsets": [{"comments": [], "name": "_acme-challenge.a.example.", "records": [{"content": "\\"tok1\\"", "disabled": false}, {"content": "\\"tok2\\"", "disabled": false}], "ttl": 60, "type": "TXT"}]}';
  assert.deepEqual(acmeExistingChallenges(pdns, '_acme-challenge.a.example'), ['tok1', 'tok2']);
  const compact = JSON.stringify({ rrsets: [{ name: '_acme-challenge.a.example.', type: 'TXT', ttl: 60, records: [{ content: '"tok1"', disabled: false }], comments: [] }] });
  assert.deepEqual(acmeExistingChallenges(compact, '_acme-challenge.a.example'), ['tok1']);
  const reordered = JSON.stringify({ rrsets: [{ records: [{ content: '"tok1"', disabled: false }], comments: [], name: '_acme-challenge.a.example.', type: 'TXT' }] });
  assert.deepEqual(acmeExistingChallenges(reordered, '_acme-challenge.a.example'), []);
});

test('problems of steps marked as open findings are printed, not failed', async (t) => {
  const { KNOWN, failures } = await import('./replay.js');
  const log = t.mock.method(console, 'log', () => undefined);
  assert.deepEqual(failures([`${KNOWN}F9: step 1 GET /x: answers differ`, 'step 2 GET /y: answers differ']), ['step 2 GET /y: answers differ']);
  assert.equal(log.mock.callCount(), 1);
});
