import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import { randomInt } from 'node:crypto';
import { Flag, RRClass, decodeMessage, encodeMessage } from '../wire/index.js';
import type { Message, Name } from '../wire/index.js';

export interface ServerAddress {
  host: string;
  port: number;
}

/** Parses `ADDR`, `ADDR:PORT` or `[V6]:PORT` (port 53 by default). */
export function parseServer(text: string): ServerAddress {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: v6[1]!, port: Number(v6[2] ?? 53) };
  if (isIP(text) === 6) return { host: text, port: 53 };
  const i = text.lastIndexOf(':');
  if (i > 0 && /^\d+$/.test(text.slice(i + 1))) return { host: text.slice(0, i), port: Number(text.slice(i + 1)) };
  return { host: text, port: 53 };
}

/**
 * Asks one server one question, non-recursive (RD clear), with EDNS (DO set, so DS and DNSKEY come
 * whole); a truncated UDP answer is asked again over TCP. Rejects on timeout.
 */
export async function askServer(server: ServerAddress, name: Name, type: number, timeoutMs = 3000): Promise<Message> {
  const id = randomInt(0, 65536);
  const query = encodeMessage({
    id, flags: 0, opcode: 0, rcode: 0, questions: [{ name, type, class: RRClass.IN }], answers: [], authority: [],
    additional: [], edns: { udpSize: 1232, extRcode: 0, version: 0, do: true, flags: 0x8000, options: [] }, tsig: null,
  });
  const udp = await askUdp(server, query, id, timeoutMs);
  if ((udp.flags & Flag.TC) === 0) return udp;
  return askTcp(server, query, timeoutMs);
}

function askUdp(server: ServerAddress, query: Uint8Array, id: number, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new Error(`no answer from ${fmtServer(server)} within ${timeoutMs} ms`)), timeoutMs);
    function finish(err: Error | null, msg?: Message): void {
      clearTimeout(timer);
      sock.close();
      if (err !== null) reject(err);
      else resolve(msg!);
    }
    sock.on('error', (err) => finish(err));
    sock.on('message', (buf) => {
      let msg: Message;
      try {
        msg = decodeMessage(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
      } catch (err) {
        finish(new Error(`${fmtServer(server)} sent a malformed answer: ${(err as Error).message}`));
        return;
      }
      if (msg.id === id) finish(null, msg);
    });
    sock.send(query, server.port, server.host);
  });
}

function askTcp(server: ServerAddress, query: Uint8Array, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server.host, port: server.port });
    sock.setTimeout(timeoutMs, () => sock.destroy(new Error(`no TCP answer from ${fmtServer(server)} within ${timeoutMs} ms`)));
    let got = Buffer.alloc(0);
    sock.on('connect', () => {
      const len = Buffer.from([query.length >> 8, query.length & 255]);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        sock.end();
        try {
          resolve(decodeMessage(new Uint8Array(got.subarray(2, 2 + got.readUInt16BE(0)))));
        } catch (err) {
          reject(err as Error);
        }
      }
    });
    sock.on('error', reject);
  });
}

export function fmtServer(s: ServerAddress): string {
  return s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}
