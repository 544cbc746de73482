import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameFromText } from '../wire/index.js';
import { compileZoneText } from './load.js';

const origin = nameFromText('example.com.');
const errors = (body: string): string[] => compileZoneText(`$TTL 300
@ SOA ns hm 1 2 3 4 5
@ NS ns
ns A 192.0.2.1
${body}`, { origin, file: 'example.com.zone' }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

test('ALIAS beside A or AAAA is an error (as PowerDNS); beside other types it is fine', () => {
  assert.deepEqual(errors('@ ALIAS edge.cdn.test.\n@ MX 10 mail\n@ TXT "x"\n'), []);
  assert.match(errors('@ ALIAS edge.cdn.test.\n@ A 192.0.2.7\n')[0] ?? '', /ALIAS and A at the same name/);
  assert.match(errors('www ALIAS edge.cdn.test.\nwww AAAA 2001:db8::1\n')[0] ?? '', /www\.example\.com\.: ALIAS and AAAA/);
});

test('several ALIAS records at one name are a warning (PowerDNS uses the first)', () => {
  const text = '@ ALIAS a.cdn.test.\n@ ALIAS b.cdn.test.\n';
  assert.deepEqual(errors(text), []);
  const warnings = compileZoneText(`$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n${text}`, { origin, file: 'example.com.zone' })
    .diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
  assert.match(warnings.join('\n'), /several ALIAS records; only the first/);
});

test('ALIAS beside a CNAME is the CNAME rule\'s error', () => {
  assert.match(errors('www ALIAS a.cdn.test.\nwww CNAME b.cdn.test.\n')[0] ?? '', /CNAME and other data/);
});

test('an ALIAS target inside the zone that does not exist or has no addresses is a warning', () => {
  const warnings = (body: string): string[] => compileZoneText(`$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n${body}`,
    { origin, file: 'example.com.zone' }).diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
  assert.match(warnings('@ ALIAS missing.example.com.\n').join('\n'), /ALIAS 'missing\.example\.com\.' does not exist in the zone/);
  assert.match(warnings('@ ALIAS txt.example.com.\ntxt TXT "x"\n').join('\n'), /ALIAS 'txt\.example\.com\.' has no address records/);
  assert.deepEqual(warnings('@ ALIAS ns.example.com.\nwww ALIAS geo.example.com.\ngeo LUA A "\'192.0.2.1\'"\nx ALIAS y.wild.example.com.\n*.wild A 192.0.2.2\n'), []);
  assert.deepEqual(warnings('@ ALIAS edge.cdn.test.\n'), []);
});
