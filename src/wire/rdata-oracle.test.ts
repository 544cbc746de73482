import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameFromText, rdataCanonical, rdataFromText, rdataToText, tokenize, typeFromText } from './index.js';
import { RDATA_CASES } from './testdata/rdata-cases.js';
import { dnspython, hex } from './testdata/oracle.js';

const origin = nameFromText('example.com.');

interface RdataAnswer { wire?: string; canonical?: string; text?: string; textError?: string; wireError?: string }

/**
 * Where dnspython 2.3's text parser is stricter than BIND's: it does not split long TXT strings and
 * does not know the SvcParam names dohpath (key7) and ohttp (key8) (the wire check still runs).
 */
const DNSPYTHON_REJECTS_TEXT = (t: string, text: string): boolean =>
  (t === 'TXT' && text.length > 257) || /dohpath|ohttp/.test(text);

test('presentation -> wire -> presentation agrees with dnspython for every type', { timeout: 30_000 }, () => {
  const ours = RDATA_CASES.map(([t, text]) => {
    const type = typeFromText(t);
    return { t, type, text, wire: rdataFromText(type, tokenize(text), origin) };
  });
  const answers = dnspython<RdataAnswer>(ours.map((o) => ({ op: 'rdata', type: o.t, text: o.text, wire: hex(o.wire) })));
  const problems: string[] = [];
  ours.forEach((o, i) => {
    const a = answers[i]!;
    const label = `${o.t} ${o.text.slice(0, 50)}`;
    if (!DNSPYTHON_REJECTS_TEXT(o.t, o.text)) {
      if (a.textError) problems.push(`${label}: dnspython rejects the text: ${a.textError}`);
      else if (a.wire !== hex(o.wire)) problems.push(`${label}: wire differs\n  ours ${hex(o.wire)}\n  dnspython ${a.wire}`);
      else if (a.canonical !== hex(rdataCanonical(o.type, o.wire))) problems.push(`${label}: canonical form differs from dnspython's to_digestable`);
    }
    if (a.wireError) problems.push(`${label}: dnspython rejects our wire: ${a.wireError}`);
    else {
      const back = hex(rdataFromText(o.type, tokenize(a.text!), origin));
      if (back !== hex(o.wire)) problems.push(`${label}: dnspython's text "${a.text}" parses to other wire`);
    }
    const own = hex(rdataFromText(o.type, tokenize(rdataToText(o.type, o.wire)), origin));
    if (own !== hex(o.wire)) problems.push(`${label}: our own text does not round-trip`);
  });
  assert.deepEqual(problems, []);
});
