import { createSocket } from 'node:dgram';

/** A minimal DNS query (RD=0, no EDNS) built by hand, so readiness checks need nothing from src/. */
export function rawQuery(name: string, qtype: number, id = 0x4242): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l.length > 0);
  const qname = Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0])]);
  const header = Buffer.from([id >> 8, id & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const tail = Buffer.from([qtype >> 8, qtype & 0xff, 0, 1]);
  return Buffer.concat([header, qname, tail]);
}

/** Sends one UDP query and resolves to the response's rcode, or null after timeoutMs. */
export function probeUdp(host: string, port: number, name: string, qtype: number, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const done = (v: number | null): void => { clearTimeout(timer); sock.close(); resolve(v); };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.on('error', () => done(null));
    sock.on('message', (msg) => done(msg.length >= 4 ? (msg[3] ?? 0) & 0x0f : null));
    sock.send(rawQuery(name, qtype), port, host);
  });
}

/** Polls with SOA queries for `zone` until the server answers NOERROR, or throws after timeoutMs. */
export async function waitForZone(host: string, port: number, zone: string, timeoutMs: number,
  keepTrying: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && keepTrying()) {
    if ((await probeUdp(host, port, zone, 6, 300)) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no NOERROR SOA answer for ${zone} from ${host}:${port} within ${timeoutMs} ms`);
}
