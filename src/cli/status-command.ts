import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { groupBy, histogramQuantile, parsePromText, sumOf } from './prom-text.js';
import type { Sample } from './prom-text.js';
import { STDOUT_OUT } from './command-io.js';
import type { CommandIo } from './command-io.js';

const DEFAULT_CONFIG = '/etc/geodesic/geodesic.yaml';

interface StatusFlags { url?: string; config?: string; interval: string; iterations?: string }

/** A scrape of a running server's /metrics and when it was taken. */
interface Scrape { at: number; samples: Sample[] }

/**
 * Where the running server's metrics are: --url, else $GEODESIC_METRICS_URL, else the configuration's
 * `metrics.listen` (or `api.listen`, whose listener serves /metrics too).
 */
export function metricsUrl(flags: { url?: string; config?: string }, env: NodeJS.ProcessEnv = process.env): string {
  if (flags.url !== undefined) return flags.url;
  const fromEnv = env['GEODESIC_METRICS_URL'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const file = flags.config ?? DEFAULT_CONFIG;
  if (existsSync(file)) {
    const doc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const listen = doc['metrics']?.['listen'] ?? doc['api']?.['listen'];
    if (typeof listen === 'string') {
      const tls = doc['metrics']?.['listen'] === undefined && doc['api']?.['tls-cert'] !== undefined;
      const host = listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
      return `${tls ? 'https' : 'http'}://${host}/metrics`;
    }
  }
  throw new Error(`no metrics address: pass --url http://HOST:PORT/metrics, or -c with the server's configuration (metrics.listen), ` +
    `or start the server with --metrics-listen 127.0.0.1:9153`);
}

async function scrape(url: string): Promise<Scrape> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`cannot read ${url} (${cause}): is the server running with metrics on?`);
  }
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return { at: Date.now(), samples: parsePromText(await res.text()) };
}

const num = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (part: number, all: number): string => (all > 0 ? `${((100 * part) / all).toFixed(1)}%` : '-');
const ms = (s: number | null): string => (s === null ? '-' : s < 0.001 ? `${(s * 1e6).toFixed(0)} µs` : `${(s * 1e3).toFixed(2)} ms`);

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${Math.floor(seconds % 60)}s`;
}

/** Queries answered: by the engine, plus those the native answer cache repeated without it. */
function queries(s: readonly Sample[]): number {
  return sumOf(s, 'geodesic_dns_queries_total') + sumOf(s, 'geodesic_dns_answer_cache_hits_total');
}

/** Top `n` of a grouped rate, as `key value` columns. */
function top(after: Map<string, number>, before: Map<string, number>, secs: number, n: number): Array<[string, number]> {
  return [...after].map(([k, v]) => [k === '' ? '(none)' : k, (v - (before.get(k) ?? 0)) / secs] as [string, number])
    .filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** The status report of two scrapes `secs` apart (the rates are over that interval). */
export function renderStatus(url: string, a: Scrape, b: Scrape, opts: { detail: boolean }): string {
  const secs = Math.max((b.at - a.at) / 1000, 0.001);
  const s = b.samples;
  const lines: string[] = [`Geodesic at ${url}`];
  const start = sumOf(s, 'process_start_time_seconds');
  const zones = sumOf(s, 'geodesic_zones');
  lines.push(`  up        ${start > 0 ? duration(b.at / 1000 - start) : '-'}, ${num(zones)} zone(s) served`);
  const total = queries(s);
  lines.push(`  queries   ${num(total)} since start, ${num((total - queries(a.samples)) / secs)}/s now (over ${secs.toFixed(1)} s)`);
  const rcodes = groupBy(s, 'geodesic_dns_queries_total', 'rcode');
  const engineTotal = sumOf(s, 'geodesic_dns_queries_total');
  const rc = [...rcodes].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${pct(v, engineTotal)}`);
  lines.push(`  rcodes    ${rc.length > 0 ? rc.join('  ') : '- (per-query metrics off, or no query yet)'}`);
  const p50 = histogramQuantile(0.5, s, null, 'geodesic_dns_query_duration_seconds');
  const p99 = histogramQuantile(0.99, s, null, 'geodesic_dns_query_duration_seconds');
  lines.push(`  latency   p50 ${ms(p50)}, p99 ${ms(p99)} in the engine, since start`);
  const lookups = sumOf(s, 'geodesic_dns_answer_cache_lookups_total');
  if (lookups > 0) {
    lines.push(`  cache     ${pct(sumOf(s, 'geodesic_dns_answer_cache_hits_total'), lookups)} of UDP queries answered by the native cache, ` +
      `${num(sumOf(s, 'geodesic_dns_answer_cache_entries'))} answers held`);
  }
  const dropped = sumOf(s, 'geodesic_dns_rrl_dropped_total'), slipped = sumOf(s, 'geodesic_dns_rrl_slipped_total');
  if (s.some((x) => x.name === 'geodesic_dns_rrl_dropped_total')) lines.push(`  rrl       ${num(dropped)} dropped, ${num(slipped)} slipped`);
  const logged = s.find((x) => x.name === 'geodesic_query_log_written_lines_total');
  if (logged !== undefined) lines.push(`  query log ${num(logged.value)} lines written, ${num(sumOf(s, 'geodesic_query_log_dropped_lines_total'))} dropped`);
  const aliasUp = s.filter((x) => x.name === 'geodesic_alias_target_up');
  if (aliasUp.length > 0) {
    const failing = aliasUp.filter((x) => x.value === 0).map((x) => `${x.labels.target ?? '?'} ${x.labels.type ?? ''}`);
    const stale = s.filter((x) => x.name === 'geodesic_alias_target_stale' && x.value === 1).length;
    lines.push(`  alias     ${num(new Set(aliasUp.map((x) => x.labels.target)).size)} target(s), ` +
      `${failing.length === 0 ? 'all resolving' : `SERVFAIL for ${failing.join(', ')}`}${stale > 0 ? `, ${stale} served stale` : ''}`);
  }
  const xfr = replicationLine(s);
  if (xfr !== null) lines.push(xfr);
  const rss = sumOf(s, 'process_resident_memory_bytes');
  if (rss > 0) lines.push(`  memory    ${(rss / 2 ** 20).toFixed(0)} MiB resident`);
  if (opts.detail) {
    for (const [label, title] of [['zone', 'zones'], ['type', 'types'], ['rcode', 'rcodes']] as const) {
      const rows = top(groupBy(s, 'geodesic_dns_queries_total', label), groupBy(a.samples, 'geodesic_dns_queries_total', label), secs, 10);
      lines.push('', `  top ${title} (queries/s)`);
      if (rows.length === 0) lines.push('    -');
      for (const [k, v] of rows) lines.push(`    ${v.toFixed(v < 10 ? 1 : 0).padStart(10)}  ${k}`);
    }
    const names = s.filter((x) => x.name === 'geodesic_dns_top_names').sort((x, y) => y.value - x.value).slice(0, 10);
    if (names.length > 0) {
      lines.push('', '  top names (queries since start, estimated)');
      for (const x of names) lines.push(`    ${String(Math.round(x.value)).padStart(10)}  ${x.labels['name'] ?? ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Secondary zones (expired, failing, behind) and transfers in and out, from the geodesic_xfr_* series. */
function replicationLine(s: readonly Sample[]): string | null {
  const zones = s.filter((x) => x.name === 'geodesic_xfr_secondary_serial');
  const out = groupBy(s, 'geodesic_xfr_transfers_out_total', 'kind');
  const inn = groupBy(s, 'geodesic_xfr_transfers_in_total', 'kind');
  const outTotal = (out.get('AXFR') ?? 0) + (out.get('IXFR') ?? 0);
  if (zones.length === 0 && outTotal === 0 && !s.some((x) => x.name === 'geodesic_xfr_secondary_expired')) return null;
  const flagged = (name: string): string[] => s.filter((x) => x.name === name && x.value === 1).map((x) => x.labels.zone ?? '?');
  const primary = new Map(s.filter((x) => x.name === 'geodesic_xfr_secondary_primary_serial').map((x) => [x.labels.zone, x.value]));
  const behind = zones.filter((z) => primary.has(z.labels.zone) && primary.get(z.labels.zone) !== z.value).map((z) => z.labels.zone ?? '?');
  const expired = flagged('geodesic_xfr_secondary_expired');
  const failing = flagged('geodesic_xfr_secondary_failing').filter((z) => !expired.includes(z));
  const state = [
    expired.length > 0 ? `EXPIRED (SERVFAIL): ${expired.join(', ')}` : '',
    failing.length > 0 ? `refresh failing: ${failing.join(', ')}` : '',
    behind.length > 0 ? `behind their primary: ${behind.join(', ')}` : '',
  ].filter((x) => x !== '');
  const notify = groupBy(s, 'geodesic_xfr_notify_sent_total', 'result');
  return `  xfr       ${num(zones.length)} secondary zone(s)${state.length > 0 ? `, ${state.join('; ')}` : zones.length > 0 ? ', all current' : ''}; ` +
    `in ${num(inn.get('AXFR') ?? 0)} AXFR + ${num(inn.get('IXFR') ?? 0)} IXFR, out ${num(out.get('AXFR') ?? 0)} AXFR + ${num(out.get('IXFR') ?? 0)} IXFR; ` +
    `NOTIFY answered ${num(notify.get('answered') ?? 0)}${(notify.get('given-up') ?? 0) > 0 ? `, ${num(notify.get('given-up')!)} given up` : ''}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function seconds(text: string, flag: string): number {
  const v = Number(text);
  if (!(v >= 0.1 && v <= 3600)) throw new Error(`${flag}: expected seconds between 0.1 and 3600, got ${text}`);
  return v;
}

/** Registers `geodesic status` and `geodesic top`. */
export function registerStatusCommands(program: Command, io: CommandIo): void {
  const where = (c: Command): Command => c
    .option('--url <url>', "the running server's metrics, e.g. http://127.0.0.1:9153/metrics (default: $GEODESIC_METRICS_URL, else from the configuration)")
    .option('-c, --config <file>', `the server's configuration, to find its metrics listener (default ${DEFAULT_CONFIG})`);

  where(program.command('status'))
    .description("what a running server serves and how fast (reads its /metrics twice, --interval apart; start the server with --metrics-listen)")
    .option('--interval <seconds>', 'time between the two readings the rates are taken over', '1')
    .action(async (flags: StatusFlags) => {
      try {
        const url = metricsUrl(flags);
        const a = await scrape(url);
        await sleep(seconds(flags.interval, '--interval') * 1000);
        io.out(renderStatus(url, a, await scrape(url), { detail: false }));
      } catch (err) {
        io.err(`geodesic status: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });

  where(program.command('top'))
    .description('live view of a running server: queries per second by zone, type and rcode, latency, caches (q or Ctrl-C quits)')
    .option('--interval <seconds>', 'refresh period', '1')
    .option('--iterations <n>', 'stop after this many refreshes (default: until quit)')
    .action(async (flags: StatusFlags) => {
      try {
        const url = metricsUrl(flags);
        const period = seconds(flags.interval, '--interval') * 1000;
        const max = flags.iterations === undefined ? Infinity : Number(flags.iterations);
        if (!(max >= 1)) throw new Error(`--iterations: expected a positive number, got ${flags.iterations}`);
        const tty = process.stdout.isTTY && io.out === STDOUT_OUT;
        let quit = false;
        const onKey = (k: Buffer): void => { if (k[0] === 0x71 || k[0] === 0x03) quit = true; };
        if (tty && process.stdin.isTTY) { process.stdin.setRawMode(true); process.stdin.on('data', onKey); }
        try {
          let prev = await scrape(url);
          for (let i = 0; i < max && !quit; i++) {
            await sleep(period);
            const next = await scrape(url);
            const frame = renderStatus(url, prev, next, { detail: true });
            io.out(tty ? `\x1b[H\x1b[2J${frame}\n  q quits\n` : `${frame}\n`);
            prev = next;
          }
        } finally {
          if (tty && process.stdin.isTTY) { process.stdin.setRawMode(false); process.stdin.off('data', onKey); process.stdin.pause(); }
        }
      } catch (err) {
        io.err(`geodesic top: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
