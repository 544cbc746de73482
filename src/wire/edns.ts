import { WireError } from './errors.js';
import type { ClientSubnet, Cookie, Edns, EdnsOption } from './message-types.js';

function ecsError(why: string): WireError {
  return new WireError('GDNS_ERR_WIRE_BAD_ECS', `EDNS Client Subnet: ${why}`);
}

/** RFC 7871 §6 option data -> ClientSubnet; the address is padded to 4 or 16 octets. */
export function decodeClientSubnet(data: Uint8Array): ClientSubnet {
  if (data.length < 4) throw ecsError('shorter than 4 octets');
  const family = (data[0]! << 8) | data[1]!;
  if (family !== 1 && family !== 2) throw ecsError(`unknown family ${family}`);
  const max = family === 1 ? 32 : 128;
  const sourcePrefix = data[2]!;
  const scopePrefix = data[3]!;
  if (sourcePrefix > max) throw ecsError(`source prefix ${sourcePrefix} longer than ${max}`);
  if (scopePrefix > max) throw ecsError(`scope prefix ${scopePrefix} longer than ${max}`);
  const n = Math.ceil(sourcePrefix / 8);
  if (data.length - 4 !== n) throw ecsError(`address of ${data.length - 4} octets for a /${sourcePrefix} (needs ${n})`);
  const address = new Uint8Array(max / 8);
  address.set(data.subarray(4));
  if (sourcePrefix % 8 !== 0 && (address[n - 1]! & (0xff >> (sourcePrefix % 8))) !== 0) {
    throw ecsError('address bits set past the source prefix');
  }
  return { family, sourcePrefix, scopePrefix, address };
}

/** ClientSubnet -> option data: the address cut to the source prefix (extra bits cleared). */
export function encodeClientSubnet(ecs: ClientSubnet): Uint8Array {
  const max = ecs.family === 1 ? 32 : 128;
  if (ecs.family !== 1 && ecs.family !== 2) throw ecsError(`unknown family ${String(ecs.family)}`);
  if (ecs.sourcePrefix > max || ecs.scopePrefix > max || ecs.sourcePrefix < 0 || ecs.scopePrefix < 0) {
    throw ecsError(`prefix longer than ${max}`);
  }
  const n = Math.ceil(ecs.sourcePrefix / 8);
  const out = new Uint8Array(4 + n);
  out[1] = ecs.family;
  out[2] = ecs.sourcePrefix;
  out[3] = ecs.scopePrefix;
  for (let i = 0; i < n; i++) out[4 + i] = ecs.address[i] ?? 0;
  if (ecs.sourcePrefix % 8 !== 0) out[3 + n]! &= (0xff00 >> (ecs.sourcePrefix % 8)) & 0xff;
  return out;
}

/** RFC 7873 cookie option: an 8-octet client cookie and an optional 8-32 octet server cookie. */
export function decodeCookie(data: Uint8Array): Cookie {
  const n = data.length;
  if (n !== 8 && (n < 16 || n > 40)) throw new WireError('GDNS_ERR_WIRE_BAD_COOKIE', `COOKIE option of ${n} octets (must be 8 or 16-40)`);
  return { client: data.subarray(0, 8), server: n === 8 ? null : data.subarray(8) };
}

/**
 * Parses the OPT RR whose fixed part (after the root owner and type) starts at `off` (class field)
 * and whose rdata ends at rdEnd. Options keep their order; data are subarrays of buf.
 */
export function readOpt(buf: Uint8Array, off: number, rdEnd: number): Edns {
  const udpSize = (buf[off]! << 8) | buf[off + 1]!;
  const extRcode = buf[off + 2]!;
  const version = buf[off + 3]!;
  const flags = (buf[off + 4]! << 8) | buf[off + 5]!;
  const options: EdnsOption[] = [];
  let p = off + 8;
  while (p < rdEnd) {
    if (p + 4 > rdEnd) throw new WireError('GDNS_ERR_WIRE_BAD_EDNS', 'OPT option header cut short');
    const code = (buf[p]! << 8) | buf[p + 1]!;
    const len = (buf[p + 2]! << 8) | buf[p + 3]!;
    if (p + 4 + len > rdEnd) throw new WireError('GDNS_ERR_WIRE_BAD_EDNS', `OPT option ${code} runs past the rdata`);
    options.push({ code, data: buf.subarray(p + 4, p + 4 + len) });
    p += 4 + len;
  }
  return { udpSize, extRcode, version, do: (flags & 0x8000) !== 0, flags, options };
}
