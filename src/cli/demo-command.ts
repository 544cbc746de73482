import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { defaultConfig, parseListen } from '../config/index.js';
import { nameToText } from '../wire/index.js';
import { createLogger } from './logger.js';
import { startServer } from './serve.js';

/** The demo's zones ship with the package (demo/zones). */
const DEMO_ZONES = fileURLToPath(new URL('../../demo/zones', import.meta.url));

/** `geodesic demo`: what `npm start` runs. */
export function registerDemoCommand(program: Command): void {
  program.command('demo')
    .description('serve the bundled demo zones on an unprivileged port, to try Geodesic in one command')
    .option('-l, --listen <addr:port>', 'where to answer (default 127.0.0.1:5300)', '127.0.0.1:5300')
    .action(async (flags: { listen: string }) => {
      const config = defaultConfig();
      config.zones.directory = DEMO_ZONES;
      config.listen = [parseListen(flags.listen, '--listen')];
      config.transfer.allow = ['127.0.0.0/8', '::1/128'];
      config.geo.luaRecords = true;
      config.alias.enabled = true;
      const log = createLogger('warn');
      let server;
      try {
        server = await startServer(config, log);
      } catch (err) {
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

Ctrl-C stops it.
`);
      const stop = (): void => { void server.close().then(() => process.exit(0)); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
