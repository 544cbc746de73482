import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { readQuery, decodeMessage, encodeMessage } from '../index.js';
import type { Message } from '../index.js';

/** A loopback UDP responder answering every query with `answer` (its id and question copied). */
export async function startResponder(answer: Message): Promise<{ port: number; close: () => Promise<void> }> {
  const sock: Socket = createSocket('udp4');
  sock.on('message', (buf, rinfo) => {
    const q = readQuery(buf, buf.length);
    const m = { ...answer, id: q.id, questions: decodeMessage(buf).questions };
    sock.send(encodeMessage(m, { maxSize: 65535 }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { port: sock.address().port, close: () => new Promise((resolve) => sock.close(() => resolve())) };
}
