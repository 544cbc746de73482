import { createHmac } from 'node:crypto';
import { nameEqual, nameFromText, nameToText } from '../wire/index.js';
import type { Hmac, Name, TsigKey } from '../wire/index.js';
import { XfrError } from './errors.js';

export const nodeHmac: Hmac = (algorithm, key, data) => new Uint8Array(createHmac(algorithm, key).update(data).digest());

/** A TSIG key as the configuration and the store hold it: name, algorithm (hmac-sha256...), base64 secret. */
export interface KeyText { name: string; algorithm: string; secret: string }

function absolute(name: string): Name {
  return nameFromText(name.endsWith('.') ? name : `${name}.`);
}

export function tsigKey(k: KeyText): TsigKey {
  const alg = k.algorithm.toLowerCase().replace(/\.$/, '');
  return {
    name: absolute(k.name),
    algorithm: nameFromText(alg === 'hmac-md5' ? 'hmac-md5.sig-alg.reg.int.' : `${alg}.`),
    secret: new Uint8Array(Buffer.from(k.secret, 'base64')),
  };
}

/** The keys a server knows, looked up by name. */
export class KeyRing {
  constructor(readonly keys: readonly TsigKey[]) {}

  static of(texts: readonly KeyText[]): KeyRing {
    return new KeyRing(texts.map(tsigKey));
  }

  find(name: Name): TsigKey | undefined {
    return this.keys.find((k) => nameEqual(k.name, name));
  }

  /** The key called `name`; a clear error when there is none. */
  get(name: string, where: string): TsigKey {
    const k = this.find(absolute(name));
    if (k === undefined) throw new XfrError('GDNS_ERR_XFR_CONFIG', `${where}: no TSIG key named "${name}" (keys: ${this.keys.map((x) => nameToText(x.name)).join(', ') || 'none'})`);
    return k;
  }

  with(more: readonly TsigKey[]): KeyRing {
    const out = [...this.keys];
    for (const k of more) if (!out.some((x) => nameEqual(x.name, k.name))) out.push(k);
    return new KeyRing(out);
  }
}
