/**
 * `geodesic relay`: the L4 edge relay (TCP, TLS SNI routing) from a YAML file or quick flags;
 * `geodesic relay status`: what a running relay reports on its health/status listener;
 * `geodesic relay check`: validates a config file without starting anything.
 * Logs (access log, health changes, refusals) are pino JSON lines on stderr.
 */
import { readFileSync } from 'node:fs';
import { subscribe } from 'node:diagnostics_channel';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import { RelayServer, parseHostPort, relayOptionsFromConfig, relayOptionsFromQuick } from '../relay/index.js';
import type { ConnectionEvent, HealthEvent, RejectEvent, RelayOptions, RelayStats } from '../relay/index.js';
import { createLogger } from './logger.js';

interface RunFlags {
  config?: string;
  listen?: string;
  route: string[];
  default?: string;
  proxyProtocol?: string;
  healthListen?: string;
  udp?: boolean;
  logLevel: string;
  accessLog: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerRelayCommand(program: Command): void {
  const relay = program
    .command('relay')
    .description('L4 edge relay: route TCP (TLS by SNI, without terminating it) to pools of upstreams')
    .option('-c, --config <file>', 'YAML file with a relay: section (see docs/relay.md)')
    .option('--listen <addr:port>', 'quick form: listen here (e.g. 0.0.0.0:443)')
    .option('--route <name=host:port,...>', 'quick form: SNI name or *.wildcard → upstreams (repeatable)', collect, [])
    .option('--default <host:port,...>', 'quick form: where everything else goes (no SNI, not TLS, no match)')
    .option('--proxy-protocol <v1|v2>', 'quick form: send a PROXY protocol header to upstreams')
    .option('--health-listen <addr:port>', 'quick form: health/status HTTP listener (GET /health, /status, /metrics)')
    .option('--udp', 'quick form: also relay UDP on the same address (QUIC routed by SNI, the rest to --default)')
    .option('--log-level <level>', 'pino level: trace, debug, info, warn, error', 'info')
    .option('--no-access-log', 'do not log one line per connection')
    .addHelpText('after', `
Examples:
  geodesic relay --listen 0.0.0.0:443 --route 'example.com=10.0.0.5:443,10.0.0.6:443' \\
      --route '*.example.com=10.0.0.5:443' --default 10.0.0.7:443 --proxy-protocol v2 --health-listen 127.0.0.1:9180
  geodesic relay --config /etc/geodesic/relay.yaml      (SIGHUP reloads it, SIGTERM drains)
  geodesic relay status --url http://127.0.0.1:9180
  geodesic relay check /etc/geodesic/relay.yaml`)
    .action(async (flags: RunFlags) => {
      try {
        await runRelay(flags);
      } catch (err) {
        console.error(`geodesic relay: ${(err as Error).message}`);
        process.exit(2);
      }
    });

  relay
    .command('status')
    .description('print listeners, routes, pools and upstream health of a running relay')
    .option('--url <url>', 'the relay health/status listener (or give --config: its health_listen)', 'http://127.0.0.1:9180')
    .option('--json', 'print the raw JSON document')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{ url: string; config?: string; json?: boolean }>();
      const url = o.config ? statusUrlFromConfig(o.config) : o.url;
      process.exitCode = await printStatus(url, Boolean(o.json));
    });

  relay
    .command('check')
    .description('validate a relay config file and print what it would run')
    .argument('[file]', 'YAML file with a relay: section (or give --config)')
    .action((file: string | undefined, _o: unknown, cmd: Command) => {
      const path = file ?? cmd.optsWithGlobals<{ config?: string }>().config;
      if (!path) {
        console.error('geodesic relay check: give a config file');
        process.exitCode = 2;
        return;
      }
      let opts: RelayOptions;
      try {
        opts = loadConfig(path);
      } catch (err) {
        console.error((err as Error).message);
        process.exitCode = 2;
        return;
      }
      for (const l of opts.listeners) console.log(`listener ${l.name} ${l.host}:${l.port}: ${l.routes.length} routes, default ${l.defaultPool ?? '(none)'}`);
      for (const p of opts.pools) console.log(`pool ${p.name}: ${p.balance}, ${p.servers.length} servers${p.healthCheck ? `, ${p.healthCheck.type} check` : ''}`);
      console.log('config ok');
    });
}

/** Reads YAML; takes its `relay:` section (a main config file) or the whole document. */
function loadConfig(path: string): RelayOptions {
  const doc: unknown = parseYaml(readFileSync(path, 'utf8'));
  const section = typeof doc === 'object' && doc !== null && 'relay' in doc ? (doc as { relay: unknown }).relay : doc;
  return relayOptionsFromConfig(section);
}

function statusUrlFromConfig(path: string): string {
  const h = loadConfig(path).healthListen;
  if (!h) throw new Error(`${path} has no relay.health_listen`);
  const host = h.host === '0.0.0.0' || h.host === '::' ? '127.0.0.1' : h.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${h.port}`;
}

function optionsFrom(flags: RunFlags): RelayOptions {
  if (flags.config) return loadConfig(flags.config);
  if (!flags.listen) throw new Error('give --config FILE, or --listen ADDR:PORT with --route/--default');
  if (flags.route.length === 0 && !flags.default) throw new Error('the quick form needs at least one --route or a --default');
  if (flags.healthListen) parseHostPort(flags.healthListen, '--health-listen');
  return relayOptionsFromQuick({ listen: flags.listen, routes: flags.route, default: flags.default, proxyProtocol: flags.proxyProtocol, healthListen: flags.healthListen, udp: flags.udp });
}

async function runRelay(flags: RunFlags): Promise<void> {
  const log = createLogger(flags.logLevel);
  const opts = optionsFrom(flags);
  const server = new RelayServer(opts);
  subscribeLogs(log, flags.accessLog);
  await server.start();
  const ports = server.ports();
  log.info({ listeners: opts.listeners.map((l) => `${l.name}=${l.host}:${ports[l.name] ?? l.port}`), status: server.statusPort }, 'relay started');

  let stopping = false;
  process.on('SIGHUP', () => {
    if (!flags.config) return log.warn('SIGHUP ignored: no --config to reload');
    void (async () => {
      try {
        await server.reload(loadConfig(flags.config as string));
        log.info({ config: flags.config }, 'relay reloaded');
      } catch (err) {
        log.error({ err }, 'reload failed; the previous config keeps running');
      }
    })();
  });
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, drainMs: opts.drainTimeoutMs }, 'relay draining');
    void server.close().then(() => {
      log.info('relay stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function subscribeLogs(log: Logger, accessLog: boolean): void {
  if (accessLog) {
    subscribe('gdns:relay:connection', (m) => {
      const e = m as ConnectionEvent;
      log.info({ listener: e.listener, client: e.client, sni: e.sni, route: e.route, pool: e.pool, upstream: e.upstream, bytesUp: e.bytesUp, bytesDown: e.bytesDown, ms: e.durationMs, end: e.end }, 'conn');
    });
  }
  subscribe('gdns:relay:reject', (m) => {
    const e = m as RejectEvent;
    log.debug({ listener: e.listener, client: e.client, reason: e.reason }, 'refused');
  });
  subscribe('gdns:relay:health', (m) => {
    const e = m as HealthEvent;
    log[e.healthy ? 'info' : 'warn']({ pool: e.pool, upstream: e.upstream, source: e.source, reason: e.reason }, e.healthy ? 'upstream up' : 'upstream down');
  });
}

async function printStatus(url: string, json: boolean): Promise<number> {
  const base = url.replace(/\/+$/, '');
  let stats: RelayStats;
  let healthy: boolean;
  try {
    const [s, h] = await Promise.all([
      fetch(`${base}/status`, { signal: AbortSignal.timeout(5000) }),
      fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) }),
    ]);
    stats = (await s.json()) as RelayStats;
    healthy = h.status === 200;
  } catch (err) {
    console.error(`cannot reach the relay at ${base}: ${(err as Error).message} (is it running with --health-listen / health_listen?)`);
    return 2;
  }
  if (json) {
    console.log(JSON.stringify(stats, null, 2));
    return healthy ? 0 : 1;
  }
  console.log(`relay ${healthy ? 'HEALTHY' : 'UNHEALTHY'}, up ${stats.uptimeS} s${stats.draining ? ', draining' : ''}`);
  for (const l of stats.listeners) {
    const c = l.counters;
    console.log(`\nlistener ${l.name} ${l.address}: ${c.active} open, ${c.accepted} accepted, ${c.rejected} refused, ${c.helloTimeouts} hello timeouts, ${c.notTls} not TLS, ${c.noRoute} no route`);
    for (const [rule, r] of Object.entries(l.routes)) {
      console.log(`  route ${rule.padEnd(28)} ${String(r.active).padStart(6)} open ${String(r.connections).padStart(9)} total ${fmtBytes(r.bytesUp).padStart(9)} up ${fmtBytes(r.bytesDown).padStart(9)} down ${r.errors} errors`);
    }
  }
  for (const p of stats.pools) {
    console.log(`\npool ${p.name} (${p.balance}) ${p.healthy ? 'up' : 'DOWN'}`);
    for (const u of p.upstreams) {
      const state = u.healthy ? 'up  ' : 'DOWN';
      console.log(`  ${state} ${u.address.padEnd(24)}${u.backup ? ' backup' : ''} w=${u.weight} ${u.active} open ${u.connections} total ${u.failures} failures${u.lastError ? ` (last: ${u.lastError})` : ''}`);
    }
  }
  return healthy ? 0 : 1;
}

function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
