import { createHmac } from 'node:crypto';
import {
  Flag, MessageWriter, Opcode, Rcode, WireError, decodeMessage, encodeMessage, nameFromText, nameKey,
  nameEqual, tsigSign, tsigVerify,
} from '../wire/index.js';
import type { Hmac, Message, TsigKey } from '../wire/index.js';
import { transferMessages } from '../engine/index.js';
import type { ClientInfo, Engine } from '../engine/index.js';
import { inCidr, parseCidr } from '../net/index.js';
import type { Cidr, HandoffHandler, HandoffReply } from '../net/index.js';
import type { TsigKeyConfig } from '../config/index.js';

export const nodeHmac: Hmac = (algorithm, key, data) => new Uint8Array(createHmac(algorithm, key).update(data).digest());

export interface TransferPolicy {
  /** Clients allowed to transfer (addresses or networks). Empty: nobody. */
  allow: string[];
  /** Keys known to the server; `require` names the one transfers must be signed with (or null). */
  keys: TsigKeyConfig[];
  require: string | null;
}

export function tsigKeys(keys: TsigKeyConfig[]): TsigKey[] {
  return keys.map((k) => ({
    name: nameFromText(k.name.endsWith('.') ? k.name : `${k.name}.`),
    algorithm: nameFromText(`${k.algorithm}.`),
    secret: new Uint8Array(Buffer.from(k.secret, 'base64')),
  }));
}

/**
 * Serves AXFR and IXFR over TCP (RFC 5936, RFC 1995 §4 full-zone fallback) to clients in the ACL, with
 * TSIG when a key is required or the query is signed. Refusals are answered, never silent.
 */
export function transferHandler(engine: Engine, policy: TransferPolicy): HandoffHandler {
  const allow: Cidr[] = policy.allow.map(parseCidr);
  const keys = tsigKeys(policy.keys);
  const required = policy.require === null ? null
    : keys.find((k) => nameKey(k.name) === nameKey(nameFromText(policy.require!.endsWith('.') ? policy.require! : `${policy.require}.`))) ?? null;
  const findKey = (name: Uint8Array): TsigKey | undefined => keys.find((k) => nameEqual(k.name, name));
  return (message, client, reply) => {
    void serve(engine, message, client, reply, allow, required, findKey).catch(() => reply.done());
  };
}

async function serve(engine: Engine, message: Uint8Array, client: ClientInfo, reply: HandoffReply, allow: Cidr[],
  required: TsigKey | null, findKey: (name: Uint8Array) => TsigKey | undefined): Promise<void> {
  let msg: Message;
  try {
    msg = decodeMessage(message);
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    reply.done();
    return;
  }
  const q = msg.questions[0];
  if (msg.opcode !== Opcode.QUERY || q === undefined) return refuse(reply, msg, Rcode.NOTIMP);
  let key: TsigKey | null = null;
  let mac: Uint8Array | null = null;
  if (msg.tsig !== null) {
    const v = tsigVerify(message, findKey, nodeHmac);
    if (v.error !== 0 || v.key === null) return refuse(reply, msg, Rcode.NOTAUTH);
    key = v.key;
    mac = v.mac;
  }
  if (!allow.some((c) => inCidr(client.address, c))) return refuse(reply, msg, Rcode.REFUSED);
  if (required !== null && (key === null || !nameEqual(key.name, required.name))) return refuse(reply, msg, Rcode.NOTAUTH);
  const zone = engine.zones.get(nameKey(q.name));
  if (zone === undefined) return refuse(reply, msg, Rcode.NOTAUTH);
  const w = new MessageWriter(65535);
  let first = true;
  for (const m of transferMessages(zone, { id: msg.id, qname: q.name, qtype: q.type, qclass: q.class }, w)) {
    let out = m;
    if (key !== null) {
      const signed = tsigSign(m, key, nodeHmac, { requestMac: mac ?? undefined, timersOnly: !first });
      out = signed.message;
      mac = signed.mac;
    }
    first = false;
    if (reply.closed) break;
    if (!reply.send(out)) await reply.drained();
  }
  reply.done();
}

function refuse(reply: HandoffReply, msg: Message, rcode: number): void {
  reply.send(encodeMessage({
    id: msg.id, flags: Flag.QR | (msg.opcode << 11) | (rcode & 0xf), opcode: msg.opcode, rcode,
    questions: msg.questions, answers: [], authority: [], additional: [], edns: null, tsig: null,
  }));
  reply.done();
}

