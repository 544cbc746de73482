import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Flag, nameFromText, rdataFromText, rdataToText, tokenize, typeFromText, typeToText } from './index.js';
import type { Rr } from './index.js';
import { RDATA_CASES } from './testdata/rdata-cases.js';
import { startResponder } from './testdata/responder.js';
import { hex } from './testdata/oracle.js';

const run = promisify(execFile);
const origin = nameFromText('example.com.');

// every type but TSIG (not an answer record), each under its own owner; NSEC3 owners must look hashed for dig
const answers: Rr[] = RDATA_CASES.filter(([t]) => t !== 'TSIG').map(([t, text], i) => ({
  name: nameFromText(t === 'NSEC3' ? `${String(i).padStart(32, '0')}.example.com.` : `r${i}.example.com.`),
  type: typeFromText(t), class: 1, ttl: 300, rdata: rdataFromText(typeFromText(t), tokenize(text), origin),
}));

async function ask(tool: string, args: string[]): Promise<{ type: string; rdata: string }[]> {
  const r = await startResponder({ id: 0, flags: Flag.QR | Flag.AA, opcode: 0, rcode: 0, questions: [], answers, authority: [], additional: [], edns: null, tsig: null });
  try {
    const { stdout } = await run(tool, ['@127.0.0.1', '-p', String(r.port), '+noall', '+answer', ...args, 'q.example.com.', 'A'], { timeout: 10_000 });
    return stdout.trim().split('\n').map((line) => {
      const m = /^\S+\s+\d+\s+IN\s+(\S+)\s*(.*)$/.exec(line);
      assert.ok(m, `unexpected ${tool} line: ${line}`);
      return { type: m[1]!, rdata: m[2]!.trim() };
    });
  } finally {
    await r.close();
  }
}

test('dig prints our encoding of every type exactly as we do', { timeout: 30_000 }, async () => {
  const lines = await ask('dig', ['+nosplit', '+tries=1', '+time=5', '+bufsize=0', '+ignore']);
  assert.equal(lines.length, answers.length);
  lines.forEach((l, i) => {
    const rr = answers[i]!;
    assert.equal(l.type, typeToText(rr.type));
    // dig 9.18 predates the names dohpath (key7, RFC 9461) and ohttp (key8, RFC 9540)
    const ours = rdataToText(rr.type, rr.rdata).replace(/\bdohpath=/g, 'key7=').replace(/\bohttp\b/g, 'key8');
    assert.equal(l.rdata, ours, typeToText(rr.type));
  });
});

test('kdig decodes our encoding of every type to text we parse back to the same wire', { timeout: 30_000 }, async () => {
  const lines = await ask('kdig', ['+retry=0', '+timeout=5', '+ignore']);
  assert.equal(lines.length, answers.length);
  lines.forEach((l, i) => {
    const rr = answers[i]!;
    assert.equal(hex(rdataFromText(rr.type, tokenize(l.rdata), origin)), hex(rr.rdata), `${l.type} ${l.rdata}`);
  });
});
