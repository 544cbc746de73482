import type { Command } from 'commander';
import type { TargetView } from '../health/index.js';
import { addApiClientOptions, apiCall, apiTarget } from './api-client.js';
import type { ApiClientFlags } from './api-client.js';

const S = '/api/v1/servers/localhost';

function ago(at: number | null, now: number): string {
  if (at === null) return '-';
  const s = Math.round((now - at) / 1000);
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

/** The targets as an aligned table: state (with override), check, names, since, last error. */
export function formatTargets(targets: readonly TargetView[], now = Date.now()): string {
  const rows = targets.map((t) => [
    t.override !== null ? `${t.effective} (${t.override}; checks: ${t.state})` : t.effective,
    t.check, t.names.join(', '), ago(t.since, now), t.source, t.lastError ?? '',
  ]);
  const head = ['state', 'check', 'names', 'since', 'source', 'last error'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(width[i]!))).join('  ').trimEnd()).join('\n');
}

/** `geodesic endpoint list|show|drain|undrain|force-up NAME` through the running server's API. */
export function registerEndpointCommands(program: Command): void {
  const ep = program.command('endpoint').description('health-checked endpoints of geo records: state, drain, force-up (docs/health.md)');
  const fail = (err: unknown): never => {
    process.stderr.write(`geodesic endpoint: ${(err as Error).message}\n`);
    process.exit(1);
  };
  addApiClientOptions(ep.command('list').description('every health check target with its state, override and last error')
    .option('--json', 'print the API\'s JSON'))
    .action(async (flags: ApiClientFlags & { json?: boolean }) => {
      try {
        const h = await apiCall<{ targets: TargetView[]; overrides: Array<{ name: string; override: string }> }>(apiTarget(flags), 'GET', `${S}/health`);
        if (flags.json === true) { process.stdout.write(`${JSON.stringify(h, null, 2)}\n`); return; }
        process.stdout.write(`${formatTargets(h.targets)}\n`);
        const loose = h.overrides.filter((o) => !h.targets.some((t) => t.names.includes(o.name)));
        for (const o of loose) process.stdout.write(`override ${o.override} on ${o.name} (no check uses this name)\n`);
      } catch (err) { fail(err); }
    });
  addApiClientOptions(ep.command('show').description('one endpoint (name or address) with its state history').argument('<name>'))
    .action(async (name: string, flags: ApiClientFlags) => {
      try {
        const r = await apiCall<{ name: string; override: string | null; targets: TargetView[] }>(apiTarget(flags), 'GET', `${S}/endpoints/${encodeURIComponent(name)}`);
        process.stdout.write(`${formatTargets(r.targets)}\n`);
        for (const t of r.targets) {
          process.stdout.write(`\n${t.check}: ${t.checks} checks, ${t.failures} failed; interval ${t.timing.intervalMs} ms, timeout ${t.timing.timeoutMs} ms, rise ${t.timing.rise}, fall ${t.timing.fall}; used by ${t.records.length > 0 ? t.records.join(', ') : t.owners.join(', ')}\n`);
          for (const h of t.history) process.stdout.write(`  ${new Date(h.at).toISOString()}  ${h.state.padEnd(7)}  ${h.reason}\n`);
        }
      } catch (err) { fail(err); }
    });
  const set = (cmd: string, override: 'drain' | 'force-up' | null, what: string): void => {
    addApiClientOptions(ep.command(cmd).description(what).argument('<name>', 'endpoint name (declarative records) or address')
      .option('--reason <text>', 'kept in the state history'))
      .action(async (name: string, flags: ApiClientFlags & { reason?: string }) => {
        try {
          const r = await apiCall<{ targets: TargetView[] }>(apiTarget(flags), 'PUT', `${S}/endpoints/${encodeURIComponent(name)}`, { override, reason: flags.reason ?? '' });
          process.stdout.write(r.targets.length > 0 ? `${formatTargets(r.targets)}\n` : `${cmd} ${name}: no check uses this name yet; it applies when one does\n`);
        } catch (err) { fail(err); }
      });
  };
  set('drain', 'drain', 'take an endpoint out of the answers now, whatever its checks say');
  set('undrain', null, 'clear a drain or force-up: the checks decide again');
  set('force-up', 'force-up', 'keep an endpoint in the answers whatever its checks say');
}
