import { syntaxError } from '../errors.js';
import { parseUint } from '../type-text.js';
import { ALGS } from './kinds-basic.js';
import { type FieldKind, nextToken, need, pushU16, readU16 } from './field.js';

/** CERT certificate types (RFC 4398 §2.1). */
export const CERT_TYPES: Readonly<Record<string, number>> = {
  PKIX: 1, SPKI: 2, PGP: 3, IPKIX: 4, ISPKI: 5, IPGP: 6, ACPKIX: 7, IACPKIX: 8, URI: 253, OID: 254,
};

/** The algorithm mnemonics CERT is printed with: BIND's (what dig prints), numbers for the others. */
const CERT_ALG_TEXT = new Map<number, string>([
  [1, 'RSAMD5'], [2, 'DH'], [3, 'DSA'], [5, 'RSASHA1'], [6, 'NSEC3DSA'], [7, 'NSEC3RSASHA1'], [8, 'RSASHA256'],
  [10, 'RSASHA512'], [12, 'ECCGOST'], [13, 'ECDSAP256SHA256'], [14, 'ECDSAP384SHA384'], [15, 'ED25519'],
  [16, 'ED448'], [252, 'INDIRECT'], [253, 'PRIVATEDNS'], [254, 'PRIVATEOID'],
]);
const CERT_TYPE_TEXT = new Map<number, string>(Object.entries(CERT_TYPES).map(([k, v]) => [v, k]));

/**
 * An integer written as a number or a mnemonic (RFC 4398 §2.2: CERT's type and algorithm), printed as
 * its mnemonic when it has one, as BIND and dnspython print CERT.
 */
function mnemonic(bytes: 1 | 2, names: Readonly<Record<string, number>>, text: ReadonlyMap<number, string>, noun: string): FieldKind {
  const max = bytes === 1 ? 255 : 65535;
  return {
    fromText(ctx, what, out) {
      const t = nextToken(ctx, what);
      const v = parseUint(t.text, max) ?? names[t.text.toUpperCase()];
      if (v === undefined) throw syntaxError(`${what}: "${t.text}" is not a number 0-${max} or ${noun} mnemonic`);
      if (bytes === 1) out.push(v);
      else pushU16(out, v);
    },
    end: (b, off, end, what) => need(b, off, bytes, end, what),
    toText(b, off) {
      const v = bytes === 1 ? b[off]! : readU16(b, off);
      return text.get(v) ?? String(v);
    },
  };
}

/** CERT type: PKIX, SPKI, PGP, IPKIX, ISPKI, IPGP, ACPKIX, IACPKIX, URI, OID or 0-65535. */
export const certType = mnemonic(2, CERT_TYPES, CERT_TYPE_TEXT, 'a certificate type');
/** CERT algorithm: a DNSSEC algorithm mnemonic or 0-255. */
export const certAlg = mnemonic(1, ALGS, CERT_ALG_TEXT, 'an algorithm');
