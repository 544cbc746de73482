import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultConfig, loadConfig, parseListen } from '../config/index.js';
import type { ServerConfig } from '../config/index.js';
import { createLogger } from './logger.js';
import { defaultPidFile, readPid } from './pid-file.js';
import { startServer } from './serve.js';
import { addOpsOptions, opsOptions } from './ops-options.js';
import type { OpsFlags, OpsOptions } from './ops-options.js';
import { addReplicationOptions, replicationSettings } from './xfr-serve.js';
import { addHealthOptions, healthSettings } from './health-serve.js';
import type { HealthFlags, HealthSettings } from './health-serve.js';
import type { ReplicationFlags, ReplicationSettings } from './xfr-serve.js';
import { addApiOptions, apiSettings } from './api-serve.js';
import type { ApiFlags, ApiSettings } from './api-serve.js';

interface ServeFlags extends OpsFlags, ReplicationFlags, HealthFlags, ApiFlags {
  dnssecKeys?: string;
  dnssecSecretFile?: string;
  data?: string;
  db?: string;
  config?: string;
  zones?: string;
  listen?: string[];
  axfrAllow?: string[];
  rrl: boolean;
  pidFile?: string;
  logLevel?: string;
  geoipDb?: string[];
  enableLuaRecords?: boolean;
  resolver?: string[];
  expandAlias?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `geodesic serve` and `geodesic reload`. */
export function registerServeCommands(program: Command): void {
  const serve = program.command('serve')
    .description('answer DNS for the zones in a folder or a config file (authoritative only, never recursive)')
    .option('-c, --config <file>', 'YAML configuration file (reference: docs/configuration.md)')
    .option('-z, --zones <dir>', 'serve every NAME.zone file in this folder as zone NAME')
    .option('-l, --listen <addr:port>', 'answer on this address, UDP and TCP; repeatable (default 127.0.0.1:5300 and [::1]:5300)', collect)
    .option('--axfr-allow <ip|cidr>', 'allow zone transfers (AXFR/IXFR over TCP) to this client or network; repeatable', collect)
    .option('--no-rrl', 'turn off response rate limiting (on by default: 200 answers/s per /24 or /56, loopback exempt)')
    .option('--geoip-db <file>', 'a GeoIP database (MMDB: MaxMind City/Country/ASN or ip-location-db); repeatable, in order (default: the bundled CC0 country database)', collect)
    .option('--data <dir>', 'serve the zones of the SQLite store in this folder too (created on first start); docs/store.md')
    .option('--db <url>', 'serve the zones of a PostgreSQL or MariaDB store (postgres://... or mysql://...)')
    .option('--dnssec-keys <dir>', 'sign zones with the keys in this folder (geodesic dnssec enable ZONE --keys DIR); docs/dnssec.md')
    .option('--dnssec-secret-file <file>', 'encrypt the private DNSSEC keys in the store with the secret in this file (AES-256-GCM)')
    .option('--enable-lua-records', 'answer PowerDNS LUA records (pickclosest, ifurlup, ...); off by default, as in PowerDNS')
    .option('--resolver <addr[:port]>', 'answer ALIAS records with their targets\' addresses, looked up through this recursive resolver; repeatable (docs/alias.md)', collect)
    .option('--expand-alias', 'answer ALIAS records, looking targets up through the system resolver (/etc/resolv.conf) unless --resolver is given')
    .option('--pid-file <file>', `write the process ID here, for "geodesic reload" (default ${defaultPidFile()})`)
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace (default info)')
    .addHelpText('after', `
Examples:
  geodesic serve --zones ./zones                      # 127.0.0.1:5300 and [::1]:5300
  geodesic serve --zones ./zones --listen 0.0.0.0:53 --axfr-allow 192.0.2.2
  geodesic serve --config /etc/geodesic/geodesic.yaml

Zones are loaded before any port opens. SIGHUP (or "geodesic reload") reloads them without dropping a
query; a zone that fails to load keeps its previous version serving and the error names file and line.`)
  addOpsOptions(serve);
  addReplicationOptions(serve);
  addHealthOptions(serve);
  addApiOptions(serve);
  serve.action(async (flags: ServeFlags) => {
      const { config, ops, replication, health, api } = buildConfig(flags);
      const log = createLogger(config.log.level);
      let server;
      try {
        server = await startServer(config, log, ops, replication, health, api);
      } catch (err) {
        process.stderr.write(`geodesic serve: ${(err as Error).message}\n`);
        process.exit(1);
      }
      process.on('SIGHUP', () => { void server.reload(); });
      const stop = (): void => {
        log.info({ event: 'stopping' }, 'stopping');
        const t = setTimeout(() => process.exit(0), 5000);
        t.unref();
        void server.close().then(() => process.exit(0));
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });

  program.command('reload')
    .description('make the running server reload its zones (sends it SIGHUP)')
    .option('--pid-file <file>', `the server's process ID file (default ${defaultPidFile()})`)
    .action((flags: { pidFile?: string }) => {
      const path = flags.pidFile ?? defaultPidFile();
      try {
        const pid = readPid(path);
        process.kill(pid, 'SIGHUP');
        process.stdout.write(`asked geodesic (pid ${pid}) to reload its zones; its log says how it went\n`);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const msg = e.code === 'ESRCH' ? `no process with the ID in ${path}: is the server running?` : e.message;
        process.stderr.write(`geodesic reload: ${msg}\n`);
        process.exit(1);
      }
    });
}

function buildConfig(flags: ServeFlags): { config: ServerConfig; ops: OpsOptions; replication: ReplicationSettings; health: HealthSettings; api: ApiSettings | null } {
  try {
    const loaded = flags.config !== undefined ? loadConfig(flags.config) : { config: defaultConfig(), raw: {} };
    const config = loaded.config;
    if (flags.dnssecKeys !== undefined) config.dnssec.keys = resolve(flags.dnssecKeys);
    if (flags.dnssecSecretFile !== undefined) config.dnssec.secretFile = resolve(flags.dnssecSecretFile);
    if (flags.data !== undefined) { config.store.data = resolve(flags.data); config.store.db = null; }
    if (flags.db !== undefined) { config.store.db = flags.db; config.store.data = null; }
    if (flags.zones !== undefined) config.zones.directory = flags.zones;
    if (flags.listen !== undefined) config.listen = flags.listen.map((l) => parseListen(l, '--listen'));
    if (flags.axfrAllow !== undefined) config.transfer.allow = [...config.transfer.allow, ...flags.axfrAllow];
    if (!flags.rrl) config.rrl.enabled = false;
    if (flags.geoipDb !== undefined) config.geo.databases = [...config.geo.databases, ...flags.geoipDb.map((f) => resolve(f))];
    if (flags.enableLuaRecords === true) config.geo.luaRecords = true;
    if (flags.resolver !== undefined) { config.alias.resolvers = flags.resolver; config.alias.enabled = true; }
    if (flags.expandAlias === true) config.alias.enabled = true;
    if (flags.logLevel !== undefined) config.log.level = flags.logLevel as ServerConfig['log']['level'];
    config.pidFile = flags.pidFile ?? config.pidFile ?? defaultPidFile();
    if (config.zones.directory === null && config.zones.files.length === 0 && config.store.data === null && config.store.db === null) {
      throw new Error('no zones to serve: pass --zones DIR (every NAME.zone in it), --data DIR or --db URL (a zone store), or --config FILE');
    }
    return {
      config, ops: opsOptions(loaded.raw, flags), replication: replicationSettings(loaded.raw.replication, flags),
      health: healthSettings(loaded.raw.health, flags, flags.config ?? 'config', flags.config !== undefined ? dirname(resolve(flags.config)) : process.cwd()),
      api: apiSettings(loaded.raw.api, flags, flags.config !== undefined ? dirname(resolve(flags.config)) : process.cwd()),
    };
  } catch (err) {
    process.stderr.write(`geodesic serve: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
