// Prints every corpus line where Geodesic (or, with --peers-only, NSD vs Knot) disagrees.
// Usage: node --import tsx test/e2e/lib/diff-report.ts [--peers-only] [--grep TEXT] [--json FILE]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCorpus, serversFor } from './diff-corpus.js';
import { diffAnswers, judge } from './diff-compare.js';
import { runQueries } from './diff-query.js';
import { startDiffServers } from './diff-setup.js';
import type { RunningServer } from './server-process.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/diff');

async function main(argv: string[]): Promise<number> {
  const peersOnly = argv.includes('--peers-only');
  const grep = argv[argv.indexOf('--grep') + 1];
  const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : undefined;
  const corpus = loadCorpus(join(FIXTURES, 'queries.txt')).filter((q) => !argv.includes('--grep') || q.text.includes(grep ?? ''));
  const work = mkdtempSync(join(tmpdir(), 'geodesic-diff-report-'));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGPIPE'] as const) {
    process.once(sig, () => { rmSync(work, { recursive: true, force: true }); process.exit(130); });
  }
  const servers: RunningServer[] = [];
  try {
    servers.push(...(await startDiffServers(work, FIXTURES, { geodesic: !peersOnly })).servers);
    const res = await runQueries({ servers: Object.fromEntries(servers.map((s) => [s.name, { hosts: s.hosts, port: s.port }])),
      queries: corpus.map((q) => ({ name: q.name, type: q.type, opts: q.opts, servers: serversFor(q) })) }, 120_000);
    if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ corpus, answers: res.answers }, null, 1));
    let bad = 0;
    corpus.forEach((q, i) => {
      const answers = Object.fromEntries(Object.entries(res.answers).map(([k, v]) => [k, v[i] ?? { error: 'missing' }]));
      const problems = peersOnly
        ? (answers.nsd && answers.knot && !q.expect.peer ? diffAnswers(answers.nsd, 'nsd', answers.knot, 'knot', q.expect.ignore) : [])
        : judge(q, answers);
      if (problems.length === 0) return;
      bad++;
      process.stdout.write(`--- queries.txt:${q.line}: ${q.text}\n  ${problems.join('\n  ')}\n`);
    });
    process.stdout.write(`${bad} of ${corpus.length} queries differ\n`);
    return bad === 0 ? 0 : 1;
  } finally {
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
