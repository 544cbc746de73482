import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { defaultConfig, parseListen } from '../config/index.js';
import { nameToText } from '../wire/index.js';
import { createLogger } from './logger.js';
import { startServer } from './serve.js';
import { apiSettings } from './api-serve.js';

/** The demo's zones ship with the package (demo/zones). */
const DEMO_ZONES = fileURLToPath(new URL('../../demo/zones', import.meta.url));

/** `geodesic demo`: what `npm start` runs. */
export function registerDemoCommand(program: Command): void {
  program.command('demo')
    .description('serve the bundled demo zones on an unprivileged port, to try Geodesic in one command')
    .option('-l, --listen <addr:port>', 'where to answer (default 127.0.0.1:5300)', '127.0.0.1:5300')
    .option('--api-listen <addr:port>', 'where the HTTP API (and admin UI) of the demo listens (default 127.0.0.1:8081; 0 for any free port)', '127.0.0.1:8081')
    .action(async (flags: { listen: string; apiListen: string }) => {
      const config = defaultConfig();
      config.zones.directory = DEMO_ZONES;
      config.listen = [parseListen(flags.listen, '--listen')];
      config.transfer.allow = ['127.0.0.0/8', '::1/128'];
      config.geo.luaRecords = true;
      config.alias.enabled = true;
      // A throw-away store beside the demo's zone files, so the API has something to write to.
      const data = mkdtempSync(join(tmpdir(), 'geodesic-demo-'));
      config.store.data = data;
      const key = `demo-${randomBytes(9).toString('base64url')}`;
      const log = createLogger('warn');
      let server;
      try {
        const api = apiSettings({ listen: flags.apiListen, key });
        server = await startServer(config, log, undefined, undefined, undefined, api).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EADDRINUSE') throw err; // the API's port is taken: any free one will do
          return startServer(config, log, undefined, undefined, undefined, apiSettings({ listen: '127.0.0.1:0', key }));
        });
      } catch (err) {
        rmSync(data, { recursive: true, force: true });
        process.stderr.write(`geodesic demo: ${(err as Error).message}\n`);
        process.exit(1);
      }
      const l = server.udp[0]!;
      const at = `@${l.address} -p ${l.port}`;
      process.stdout.write(`Geodesic demo: answering DNS for ${[...server.engine.zones].map((z) => nameToText(z.origin)).join(', ')}
on ${l.address} port ${l.port} (UDP${l.native ? ' with native batched I/O' : ''} and TCP). Try:

  dig ${at} www.example.test A
  dig ${at} example.test MX                 # with the mail host address in additional
  dig ${at} nothing.example.test A          # NXDOMAIN with the SOA
  dig ${at} example.test AXFR               # zone transfer (allowed from loopback in the demo)
  dig ${at} geo.example.test A +subnet=81.2.69.0/24   # a GeoDNS answer for a client network (ECS)
  dig ${at} example.test A +subnet=89.28.239.0/24     # the apex: an ALIAS to geo, flattened per client

${server.api !== null ? `The PowerDNS-compatible HTTP API (and the admin UI) is on http://${server.api.address}:${server.api.port}/ with key ${key}:

  curl -s -H 'X-API-Key: ${key}' http://${server.api.address}:${server.api.port}/api/v1/servers/localhost/zones
  curl -s -H 'X-API-Key: ${key}' -X POST http://${server.api.address}:${server.api.port}/api/v1/servers/localhost/zones \\
    -d '{"name":"mine.test.","kind":"Native","nameservers":["ns1.mine.test."],"rrsets":[{"name":"www.mine.test.","type":"A","ttl":60,"records":[{"content":"192.0.2.7","disabled":false}]}]}'
  dig ${at} www.mine.test A                 # answered as soon as the API said 201

` : ''}Ctrl-C stops it.
`);
      const stop = (): void => { void server.close().then(() => { rmSync(data, { recursive: true, force: true }); process.exit(0); }); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
