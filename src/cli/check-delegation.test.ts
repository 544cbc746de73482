import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { RRType, nameFromText, rdataFromText, tokenize } from '../wire/index.js';
import { Command } from 'commander';
import { checkDelegation } from './check-delegation.js';
import { registerOpsCommands } from './ops-commands.js';
import type { DelegationReport } from './check-delegation.js';
import { dsFromDnskey, dsText, keyTag } from './check-delegation-ds.js';
import { startTestServer } from './ops-test-server.js';
import type { TestServer } from './ops-test-server.js';

// A DNSKEY (flags 257: a key-signing key, algorithm 13); the check needs its bytes, not a signed zone.
const KEY = `257 3 13 ${Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255)).toString('base64')}`;
const child = (extra = ''): string => `$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.53
${extra}`;

/** The DS of KEY at `zone` as dnspython computes it (the oracle for our digest). */
function pythonDs(zone: string): string {
  const py = `import dns.dnssec, dns.rdata, dns.name
k = dns.rdata.from_text('IN', 'DNSKEY', ${JSON.stringify(KEY)})
print(dns.dnssec.make_ds(dns.name.from_text(${JSON.stringify(zone)}), k, 'SHA256').to_text())`;
  return execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', timeout: 10_000 }).trim();
}

let parent: TestServer;
let kids: TestServer;
let goodDs = '';
before(async () => {
  goodDs = pythonDs('good.test.');
  parent = await startTestServer({
    'test.': `$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 60
@ NS ns
ns A 192.0.2.1
good NS ns1.good
ns1.good A 192.0.2.53
good DS ${goodDs}
noglue NS ns1.noglue
wrongns NS ns1.wrongns
wrongns NS ns9.elsewhere.example.
ns1.wrongns A 192.0.2.53
nods NS ns1.nods
ns1.nods A 192.0.2.53
badglue NS ns1.badglue
ns1.badglue A 192.0.2.99
baddss NS ns1.baddss
ns1.baddss A 192.0.2.53
baddss DS 12345 13 2 ${'AB'.repeat(32)}
mismatch NS ns1.mismatch
ns1.mismatch A 192.0.2.53
mismatch DS 12345 13 2 ${'AB'.repeat(32)}
`,
  });
  kids = await startTestServer({
    'good.test.': child(`@ DNSKEY ${KEY}`),
    'noglue.test.': child(),
    'wrongns.test.': child('@ NS ns2\nns2 A 192.0.2.54'),
    'nods.test.': child(`@ DNSKEY ${KEY}`),
    'badglue.test.': child(),
    'baddss.test.': child(),
    'mismatch.test.': child(`@ DNSKEY ${KEY}`),
    'orphan.test.': child(),
  });
});
after(async () => {
  await parent?.close();
  await kids?.close();
});

const check = (zone: string): Promise<DelegationReport> => checkDelegation({
  zone: nameFromText(zone), parent: { host: '127.0.0.1', port: parent.port }, child: { host: '127.0.0.1', port: kids.port },
  timeoutMs: 2000,
});
const codes = (r: DelegationReport): string[] => r.findings.map((f) => f.code).sort();

test('check delegation: DS digest equals dnspython\'s', () => {
  const key = rdataFromText(RRType.DNSKEY, tokenize(KEY), nameFromText('.'));
  const ds = dsFromDnskey(nameFromText('good.test.'), key);
  assert.equal(dsText(ds).toLowerCase(), goodDs.toLowerCase());
  assert.equal(ds.keyTag, keyTag(key));
});

test('check delegation: a correct delegation passes', async () => {
  const r = await check('good.test.');
  assert.deepEqual(codes(r), ['ok']);
  assert.deepEqual(r.parentNs, ['ns1.good.test.']);
});

test('check delegation: missing glue is explained', async () => {
  const r = await check('noglue.test.');
  assert.deepEqual(codes(r), ['glue-missing']);
  assert.match(r.findings[0]!.message, /ns1\.noglue\.test\. is inside noglue\.test\..*register the host ns1\.noglue\.test\. with 192\.0\.2\.53/);
});

test('check delegation: wrong NS at the parent, NS missing at the parent', async () => {
  const r = await check('wrongns.test.');
  assert.deepEqual(codes(r), ['ns-extra-at-parent', 'ns-missing-at-parent']);
  assert.match(r.findings.find((f) => f.code === 'ns-extra-at-parent')!.message, /ns9\.elsewhere\.example\..*Remove/);
  assert.match(r.findings.find((f) => f.code === 'ns-missing-at-parent')!.message, /add ns2\.wrongns\.test\./);
});

test('check delegation: a signed zone without DS gets the DS record to add', async () => {
  const r = await check('nods.test.');
  assert.deepEqual(codes(r), ['ds-missing']);
  assert.equal(r.findings[0]!.severity, 'warning');
  assert.ok(r.findings[0]!.message.toLowerCase().includes(pythonDs('nods.test.').toLowerCase()));
});

test('check delegation: wrong glue, and a DS for an unsigned zone', async () => {
  assert.deepEqual(codes(await check('badglue.test.')), ['glue-wrong']);
  const r = await check('baddss.test.');
  assert.deepEqual(codes(r), ['ds-unsigned']);
  assert.match(r.findings[0]!.message, /SERVFAIL/);
});

test('check delegation: a DS matching none of the keys', async () => {
  const r = await check('mismatch.test.');
  assert.deepEqual(codes(r), ['ds-mismatch']);
  assert.match(r.findings[0]!.message, /key tag 12345.*SERVFAIL/);
});

test('check delegation: a zone the parent does not delegate, a zone Geodesic does not serve', async () => {
  const r = await check('orphan.test.');
  assert.deepEqual(codes(r), ['no-delegation']);
  assert.match(r.findings[0]!.message, /set the name servers of orphan\.test\. to ns1\.orphan\.test\./);
  assert.deepEqual(codes(await check('unknown.test.')), ['child-not-serving']);
});

test('check delegation: the command prints the findings and exits 1 on errors', async () => {
  const program = new Command().exitOverride();
  let out = '';
  registerOpsCommands(program, { out: (t) => { out += t; }, err: (t) => { out += t; } });
  await program.parseAsync(['check', 'delegation', 'noglue.test', '--parent-server', `127.0.0.1:${parent.port}`,
    '--server', `127.0.0.1:${kids.port}`], { from: 'user' });
  assert.equal(process.exitCode, 1);
  process.exitCode = 0;
  assert.match(out, /^Delegation of noglue\.test\. \(parent asked: 127\.0\.0\.1:\d+\)$/m);
  assert.match(out, /^ERROR \[glue-missing\] /m);
});
