// Test support for the ops tests: an in-process Geodesic (engine, UDP through node:dgram, TCP) on
// loopback, and a bounded dig.
import { execFile } from 'node:child_process';
import { Engine } from '../engine/index.js';
import { listenTcp, listenUdp } from '../net/index.js';
import type { TcpEndpoint, UdpListener } from '../net/index.js';
import { nameFromText } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';

export interface TestServer {
  engine: Engine;
  udp: UdpListener;
  tcp: TcpEndpoint;
  port: number;
  close(): Promise<void>;
}

/** Serves `zones` (origin → master-file text) on 127.0.0.1, a free port, UDP and TCP, no caches. */
export async function startTestServer(zones: Record<string, string>): Promise<TestServer> {
  const engine = new Engine({ cacheSize: 0 });
  engine.setZones(new ZoneSet(Object.entries(zones).map(([o, text]) => {
    const origin = nameFromText(o);
    return buildZone(origin, parseZoneText(text, { origin }));
  })));
  const udp = await listenUdp({ host: '127.0.0.1', port: 0, engine, rrl: null, forceDgram: true });
  const port = udp.endpoint.port;
  const tcp = await listenTcp({ host: '127.0.0.1', port, engine });
  return { engine, udp, tcp, port, close: async () => { await Promise.all([udp.endpoint.close(), tcp.close()]); } };
}

/** Runs dig against 127.0.0.1:port (one try, 2 s), resolving with its output. */
export function dig(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=2', ...args], { timeout: 5000 }, (err, out) => {
      if (err) reject(err);
      else resolve(out);
    });
  });
}
