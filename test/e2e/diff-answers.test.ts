// Differential test of `geodesic serve` against NSD and Knot (issue 3, "Proof"): the same zone files
// (test/fixtures/diff; signed/* signed here with fresh keys) are served by all of them, every query of
// test/fixtures/diff/queries.txt (with its group's "#@ also:" variants: TCP, no EDNS, DO) is sent to each
// by one python/dnspython process, and Geodesic's answer must match the peers' flags, rcode and sections,
// or the line's explicit expectations where the peers disagree. PowerDNS is the peer for LUA/ALIAS
// (pdns/*), which NSD and Knot cannot load. Also: pipelined TCP, and AXFR/IXFR compared with Knot's AXFR.
// Lists every difference at once: node --import tsx test/e2e/lib/diff-report.ts
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCorpus, serversFor } from './lib/diff-corpus.js';
import type { CorpusQuery } from './lib/diff-corpus.js';
import { diffAnswers, judge } from './lib/diff-compare.js';
import { PYTHON, runQueries } from './lib/diff-query.js';
import type { Answer, QueryResults, WireQuery } from './lib/diff-query.js';
import { startDiffServers } from './lib/diff-setup.js';
import { compareTransfers, kdigTransfer } from './lib/kdig-transfer.js';
import type { RunningServer } from './lib/server-process.js';
import { canSign, zoneNames } from './lib/sign-zones.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/diff');
const corpus = loadCorpus(join(FIXTURES, 'queries.txt'));

/** Pipelined over one TCP connection (RFC 7766 6.2.1.1): answers may come in any order, matched by ID. */
const PIPELINE: WireQuery[] = [
  'www.example.com A', 'bigb.example.com TXT', 'nothere.example.com AAAA', 'child.example.com A',
  'foo.wild.example.com TXT', 'c1.example.com A', 'www.nsec.test A', 'nothere.nsec3.test A',
  'www.example.org A', 'example.net SOA', 'x.ent.example.com A', 'hosted.example.com DS',
].map((t, i) => {
  const [name = '', type = ''] = t.split(' ');
  return { name: `${name}.`, type, opts: { tcp: true, dnssec: i % 2 === 0 } };
});

/** The first tool that cannot be run at all (ENOENT; exit codes do not matter: pdns_server --version exits 99). */
function missingTools(): string | false {
  const tools = [['nsd', '-v'], ['knotd', '--version'], ['pdns_server', '--version'], ['kdig', '--version'],
    [PYTHON, '-c', 'import dns.message']];
  for (const [cmd = '', ...args] of tools) {
    try {
      execFileSync(cmd, args, { stdio: 'ignore', timeout: 5000 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return `${cmd} is not installed`;
      if (cmd === PYTHON) return `${PYTHON} cannot import dnspython`;
    }
  }
  return false;
}

const skip = missingTools();
const SIGNED = zoneNames(join(FIXTURES, 'signed'));
/** Why q cannot run here, or false. */
function cannotRun(q: CorpusQuery, hasV6: boolean): string | false {
  if (q.opts.v6 && !hasV6) return 'no IPv6 loopback on this machine';
  const name = q.name.toLowerCase();
  if (!canSign() && SIGNED.some((z) => name === `${z}.` || name.endsWith(`.${z}.`))) {
    return 'dnssec-signzone (bind9-utils) is not installed, so the signed zones are not served';
  }
  return false;
}

describe('geodesic answers like NSD and Knot', { skip, timeout: 90_000 }, () => {
  let work = '';
  let servers: RunningServer[] = [];
  let results: QueryResults | undefined;
  let hasV6 = false;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'geodesic-diff-'));
    ({ servers, hasV6 } = await startDiffServers(work, FIXTURES));
    results = await runQueries({
      servers: Object.fromEntries(servers.map((s) => [s.name, { hosts: s.hosts, port: s.port }])),
      queries: corpus.map((q) => ({ name: q.name, type: q.type, opts: q.opts, servers: serversFor(q) })),
      pipelines: [{ queries: PIPELINE }, { queries: PIPELINE, chunk: 7 }],
      repeat: ['geodesic'],
    }, 60_000);
  }, { timeout: 80_000 });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const answersFor = (index: number): Record<string, Answer> => {
    assert.ok(results, 'no results: the servers did not start or the queries failed');
    return Object.fromEntries(Object.entries(results.answers).map(([name, list]) => [name, list[index] ?? { error: 'missing' }]));
  };

  const groups = new Map<string, { q: CorpusQuery; index: number }[]>();
  corpus.forEach((q, index) => groups.set(q.group, [...(groups.get(q.group) ?? []), { q, index }]));

  test('the corpus holds at least 200 query lines', () => {
    const lines = new Set(corpus.map((q) => q.line)).size;
    assert.ok(lines >= 200, `only ${lines} query lines`);
  });

  for (const [group, items] of groups) {
    describe(group, () => {
      for (const { q, index } of items) {
        test(`${q.text} (queries.txt:${q.line})`, (t) => {
          const why = cannotRun(q, hasV6);
          if (why) { t.skip(why); return; }
          const problems = judge(q, answersFor(index));
          assert.equal(problems.length, 0, `${q.name} ${q.type} ${JSON.stringify(q.opts)}:\n  ${problems.join('\n  ')}`);
        });
      }
    });
  }

  for (const [index, how] of ['in one write', 'in 7-octet writes 5 ms apart'].entries()) {
    test(`pipelined TCP queries sent ${how} are all answered, as NSD answers them`, () => {
      assert.ok(results, 'no results');
      const byId = (list: Answer[] | undefined): Map<number, Answer> => new Map((list ?? []).map((a) => [a.id ?? -1, a]));
      const g = byId(results.pipelines.geodesic?.[index]);
      const n = byId(results.pipelines.nsd?.[index]);
      assert.equal(n.size, PIPELINE.length, 'NSD did not answer every pipelined query');
      const problems: string[] = [];
      for (const [id, want] of n) {
        const got = g.get(id);
        if (got === undefined) { problems.push(`no answer to query id ${id}`); continue; }
        problems.push(...diffAnswers(got, 'geodesic', want, 'nsd').map((d) => `id ${id} (${want.question?.join('')}): ${d}`));
      }
      assert.equal(problems.length, 0, problems.join('\n'));
    });
  }

  test('every server is still running after the corpus', () => {
    for (const s of servers) assert.ok(s.running(), `${s.name} exited during the test; its output:\n${s.output().slice(-3000)}`);
  });

  test('the corpus asked again (answer cache warm) gets the same answers as the first time', () => {
    assert.ok(results, 'no results');
    const first = results.answers.geodesic ?? [];
    const again = results.again.geodesic ?? [];
    assert.equal(again.length, corpus.length, 'the second pass is missing');
    const problems = corpus.flatMap((q, i) => {
      const [a, b] = [first[i], again[i]];
      if (a === undefined || b === undefined || cannotRun(q, hasV6)) return [];
      const d = diffAnswers(b, 'second', a, 'first', q.expect.ignore);
      return d.length > 0 ? [`${q.text} (queries.txt:${q.line}):\n  ${d.join('\n  ')}`] : [];
    });
    assert.equal(problems.length, 0, problems.join('\n'));
  });

  const TRANSFERS = [['AXFR', 'example.com'], ['AXFR', 'example.net'], ['AXFR', 'hosted.example.com'], ['AXFR', 'wildapex.test'],
    ['AXFR', 'nsec.test'], ['AXFR', 'nsec3.test'], ['AXFR', 'nsec3-optout.test'], ['AXFR', 'bulk.test'],
    ['IXFR=2024010100', 'example.com']] as const;
  for (const [kind, zone] of TRANSFERS) {
    const unsignable = SIGNED.includes(zone) && !canSign() ? 'dnssec-signzone (bind9-utils) is not installed' : false;
    test(`kdig ${kind} ${zone} gives the same records as Knot's AXFR`, { skip: unsignable }, async () => {
      const get = (name: string): RunningServer => {
        const s = servers.find((x) => x.name === name);
        assert.ok(s, `${name} not running`);
        return s;
      };
      const k = get('knot');
      const g = get('geodesic');
      const [want, got] = await Promise.all([kdigTransfer(k.host, k.port, zone, 'AXFR'), kdigTransfer(g.host, g.port, zone, kind)]);
      const problems = compareTransfers(got, want, 'geodesic', 'knot');
      if (zone === 'bulk.test' && (got.messages ?? 0) < 2) problems.push(`a ${got.records.length}-record transfer came in ${got.messages} message(s)`);
      assert.equal(problems.length, 0, problems.join('\n'));
    });
  }
});
