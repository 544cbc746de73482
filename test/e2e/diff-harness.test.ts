// Checks the differential test's own parts (corpus parser, answer comparison), so that a broken
// comparator cannot make diff-answers.test.ts pass without looking.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadCorpus, parseCorpus } from './lib/diff-corpus.js';
import { judge } from './lib/diff-compare.js';
import type { Answer } from './lib/diff-query.js';
import { compareTransfers } from './lib/kdig-transfer.js';

const base: Answer = {
  id: 1, opcode: 0, rcode: 'NOERROR', flags: ['qr', 'aa'], question: ['www.example.com. IN A'],
  edns: { version: 0, do: false, payload: 1232, zflags: 0, options: [] },
  answer: ['www.example.com. 3600 IN A 192.0.2.10'], authority: [], additional: [],
};
const one = (line: string) => {
  const [q] = parseCorpus(line);
  assert.ok(q);
  return q;
};

describe('diff corpus parser', () => {
  test('reads names, types, options, expectations and comments', () => {
    const q = one('WwW.example.com A +tcp +bufsize=800 +ednsopt=8:0001 expect: peer=knot rcode=NOERROR|DROP answer=0|1 # why');
    assert.equal(q.name, 'WwW.example.com.');
    assert.deepEqual(q.opts, { tcp: true, bufsize: 800, ednsopt: [[8, '0001']] });
    assert.equal(q.expect.peer, 'knot');
    assert.deepEqual(q.expect.rcode, ['NOERROR', 'DROP']);
    assert.deepEqual(q.expect.counts.answer, [0, 1]);
    assert.equal(q.comment, 'why');
  });

  test('"#@ also:" repeats the later queries of a group with each variant, skipping ones already there', () => {
    const qs = parseCorpus('## g\n#@ also: +tcp | +noedns +dnssec\na A\nb A +tcp expect: peer=knot\n## h\nc A');
    assert.deepEqual(qs.map((q) => q.text), ['a A', 'a A +tcp', 'a A +noedns +dnssec', 'b A +tcp expect: peer=knot',
      'b A +tcp +noedns +dnssec  expect: peer=knot', 'c A']);
    assert.equal(qs[4]?.expect.peer, 'knot');
    assert.deepEqual(qs[4]?.opts, { tcp: true, noedns: true, dnssec: true });
  });

  test('rejects unknown options and expectations', () => {
    assert.throws(() => parseCorpus('www.example.com A +bogus'), /unknown option/);
    assert.throws(() => parseCorpus('www.example.com A expect: frob=1'), /unknown expectation/);
    assert.throws(() => parseCorpus('www.example.com A expect: ignore=answers'), /unknown part/);
  });

  test('the fixture corpus parses and has at least 200 queries', () => {
    const corpus = loadCorpus(resolve(import.meta.dirname, '../fixtures/diff/queries.txt'));
    assert.ok(corpus.length >= 200, `${corpus.length} queries`);
  });
});

describe('diff judge', () => {
  const q = one('www.example.com A');

  test('passes identical answers', () => {
    assert.deepEqual(judge(q, { geodesic: base, nsd: base, knot: base }), []);
  });

  test('names the differing section', () => {
    const g = { ...base, additional: ['ns1.example.com. 3600 IN A 192.0.2.53'] };
    const problems = judge(q, { geodesic: g, nsd: base, knot: base });
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /^vs nsd: additional differs/);
  });

  test('flags, rcode and TTLs count', () => {
    for (const g of [{ ...base, flags: ['qr'] }, { ...base, rcode: 'NXDOMAIN' },
      { ...base, answer: ['www.example.com. 300 IN A 192.0.2.10'] }]) {
      assert.notDeepEqual(judge(q, { geodesic: g, nsd: base, knot: base }), []);
    }
  });

  test('a dropped query differs from an answer', () => {
    assert.notDeepEqual(judge(q, { geodesic: { drop: true }, nsd: base, knot: base }), []);
  });

  test('peers that disagree without an expect: annotation fail the line', () => {
    const problems = judge(q, { geodesic: base, nsd: base, knot: { ...base, flags: ['qr'] } });
    assert.match(problems[0] ?? '', /NSD and Knot disagree/);
  });

  test('expect: peer=, rcode alternatives, drop and addnames', () => {
    const knotOnly = one('x A expect: peer=knot');
    assert.deepEqual(judge(knotOnly, { geodesic: base, nsd: { ...base, rcode: 'REFUSED' }, knot: base }), []);
    const either = one('x A expect: peer=none rcode=FORMERR|DROP');
    assert.deepEqual(judge(either, { geodesic: { drop: true }, nsd: base, knot: base }), []);
    assert.notDeepEqual(judge(either, { geodesic: base, nsd: base, knot: base }), []);
    const any = one('x A expect: peer=any');
    assert.deepEqual(judge(any, { geodesic: base, nsd: { ...base, rcode: 'FORMERR' }, knot: base }), []);
    assert.notDeepEqual(judge(any, { geodesic: { ...base, flags: [] }, nsd: { ...base, rcode: 'FORMERR' }, knot: base }), []);
    const opts = one('x A expect: peer=none options=8');
    assert.deepEqual(judge(opts, { geodesic: { ...base, edns: { ...base.edns!, options: [8] } }, nsd: base, knot: base }), []);
    assert.notDeepEqual(judge(opts, { geodesic: base, nsd: base, knot: base }), []);
    const names = one('x MX expect: peer=none addnames=mail.example.com');
    const withAdd = { ...base, additional: ['mail.example.com. 3600 IN A 192.0.2.25'] };
    assert.deepEqual(judge(names, { geodesic: withAdd, nsd: base, knot: base }), []);
    assert.notDeepEqual(judge(names, { geodesic: base, nsd: base, knot: base }), []);
  });
});

describe('transfer comparison', () => {
  const soa = 'example.com. 3600 IN SOA ns1.example.com. h.example.com. 1 2 3 4 5';
  const want = { records: [soa, 'example.com. 3600 IN NS ns1.example.com.', 'www.example.com. 3600 IN A 192.0.2.10', soa], messages: 1 };

  test('same records in another order pass; a missing or extra record fails', () => {
    const [first = '', ns = '', a = ''] = want.records;
    assert.deepEqual(compareTransfers({ records: [first, a, ns, first], messages: 1 }, want, 'g', 'k'), []);
    assert.notDeepEqual(compareTransfers({ records: [first, ns, first], messages: 1 }, want, 'g', 'k'), []);
    assert.notDeepEqual(compareTransfers({ records: [ns, first, a, first], messages: 1 }, want, 'g', 'k'), []);
  });
});
