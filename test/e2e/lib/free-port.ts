import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/** True when this machine can bind the IPv6 loopback address. */
export function ipv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp6');
    sock.once('error', () => resolve(false));
    sock.bind(0, '::1', () => sock.close(() => resolve(true)));
  });
}

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, host, () => sock.close(() => resolve(true)));
  });
}

function tcpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** Resolves to a port that is free for TCP and UDP on every one of `hosts` right now. */
export async function freePort(hosts: string[] = ['127.0.0.1']): Promise<number> {
  const [host = '127.0.0.1', ...others] = hosts;
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, host, () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0));
      });
    });
    let free = port !== 0 && await udpFree(port, host);
    for (const h of others) free = free && await udpFree(port, h) && await tcpFree(port, h);
    if (free) return port;
  }
  throw new Error('no free loopback port found');
}
