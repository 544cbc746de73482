import { PARTS } from './diff-corpus.js';
import type { CorpusQuery } from './diff-corpus.js';
import type { Answer } from './diff-query.js';

type Part = (typeof PARTS)[number];

function partOf(a: Answer, part: Part): unknown {
  if (a.skipped || a.drop || a.error || a.unparsed) return undefined;
  return a[part];
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : '\n      ' + v.join('\n      ');
  return JSON.stringify(v);
}

function status(a: Answer): string | null {
  if (a.skipped) return 'not asked';
  if (a.drop) return 'no answer';
  if (a.error) return `error: ${a.error}`;
  if (a.unparsed) return `unparseable answer (${a.unparsed}) rcode ${a.rcode} flags ${a.flags?.join(' ')}`;
  return null;
}

/** Differences between two answers, one line per differing part ("" when they agree). */
export function diffAnswers(a: Answer, aName: string, b: Answer, bName: string, ignore: string[] = []): string[] {
  const sa = status(a);
  const sb = status(b);
  if (sa !== null || sb !== null) return sa === sb ? [] : [`${aName}: ${sa ?? 'an answer'}; ${bName}: ${sb ?? 'an answer'}`];
  const out: string[] = [];
  for (const part of PARTS) {
    if (ignore.includes(part)) continue;
    const va = JSON.stringify(partOf(a, part));
    const vb = JSON.stringify(partOf(b, part));
    if (va !== vb) out.push(`${part} differs:\n    ${aName}: ${show(partOf(a, part))}\n    ${bName}: ${show(partOf(b, part))}`);
  }
  return out;
}

/** Checks Geodesic's answer against the explicit expectations of a corpus line. */
export function checkExpectations(q: CorpusQuery, g: Answer): string[] {
  const e = q.expect;
  const out: string[] = [];
  if (e.drop) {
    if (!g.drop) out.push(`expected no answer, got ${status(g) ?? `rcode ${g.rcode}`}`);
    return out;
  }
  const st = status(g);
  if (g.drop && e.rcode?.includes('DROP')) return out;
  if ((g.drop || g.error) && (e.rcode !== undefined || e.flags !== undefined)) return [`expected an answer, got ${st}`];
  if (e.rcode !== undefined && !e.rcode.includes(g.rcode ?? '')) out.push(`rcode: expected ${e.rcode.join(' or ')}, got ${g.rcode}`);
  if (e.flags !== undefined && JSON.stringify([...(g.flags ?? [])].sort()) !== JSON.stringify(e.flags)) {
    out.push(`flags: expected ${e.flags.join(',')}, got ${(g.flags ?? []).join(',')}`);
  }
  if (e.options !== undefined && JSON.stringify(g.edns?.options ?? null) !== JSON.stringify(e.options)) {
    out.push(`EDNS options: expected [${e.options.join(',')}], got ${g.edns ? `[${g.edns.options.join(',')}]` : 'no OPT'}`);
  }
  if (e.addnames !== undefined) {
    const names = [...new Set((g.additional ?? []).filter((rr) => rr.split(' ')[3] !== 'RRSIG')
      .map((rr) => (rr.split(' ')[0] ?? '').toLowerCase().replace(/\.$/, '')))].sort();
    if (JSON.stringify(names) !== JSON.stringify(e.addnames)) {
      out.push(`additional: expected records of ${e.addnames.join(' ') || '(none)'}, got ${names.join(' ') || '(none)'}`);
    }
  }
  for (const [sec, n] of Object.entries(e.counts)) {
    const got = (g[sec as 'answer'] ?? []).length;
    if (!n.includes(got)) out.push(`${sec}: expected ${n.join(' or ')} records, got ${got}${show(g[sec as 'answer'])}`);
  }
  return out;
}

/** All problems with Geodesic's answer to q, given the peers' answers; [] when it passes. */
export function judge(q: CorpusQuery, answers: Record<string, Answer>): string[] {
  const g = answers.geodesic;
  if (g === undefined) return ['no result for geodesic'];
  const out: string[] = [];
  if (q.expect.peer === 'any') {
    const diffs = ['nsd', 'knot'].map((p) => (answers[p] ? diffAnswers(g, 'geodesic', answers[p], p, q.expect.ignore) : [`no result for ${p}`]));
    if (diffs.every((d) => d.length > 0)) out.push(`matches neither peer:\n  ${diffs.flat().join('\n  ')}`);
    return [...out, ...checkExpectations(q, g)];
  }
  const peers = q.expect.peer === 'none' ? [] : q.expect.peer !== undefined ? [q.expect.peer] : ['nsd', 'knot'];
  if (peers.length === 2) {
    const [n, k] = [answers.nsd, answers.knot];
    if (n && k) {
      const d = diffAnswers(n, 'nsd', k, 'knot', q.expect.ignore);
      if (d.length > 0) out.push(`NSD and Knot disagree (add an expect: annotation saying which rule decides):\n  ${d.join('\n  ')}`);
    }
  }
  for (const p of peers) {
    const pa = answers[p];
    if (pa === undefined) { out.push(`no result for ${p}`); continue; }
    for (const d of diffAnswers(g, 'geodesic', pa, p, q.expect.ignore)) out.push(`vs ${p}: ${d}`);
  }
  out.push(...checkExpectations(q, g));
  return out;
}
