import { readFileSync } from 'node:fs';

/** Query options understood by test/e2e/py/diff_query.py. */
export interface QueryOpts {
  tcp?: boolean; noedns?: boolean; dnssec?: boolean; rd?: boolean; cd?: boolean; adflag?: boolean; qr?: boolean;
  bufsize?: number; opcode?: number; qdcount?: number; ednsver?: number; timeout?: number; ixfr?: number; ednsz?: number;
  class?: string; ednsopt?: [number, string][]; v6?: boolean; raw?: string;
}

/** What a corpus line expects where the peers are not (both) the reference. */
export interface Expectation {
  /** Compare with this peer only; 'any': Geodesic must equal at least one of them. */
  peer?: 'nsd' | 'knot' | 'pdns' | 'none' | 'any';
  ignore: string[];
  drop?: boolean;
  /** Acceptable rcodes ("DROP": no answer is acceptable too). */
  rcode?: string[];
  /** EDNS option codes the response must carry, exactly (EDE excepted). */
  options?: number[];
  /** Owner names (lowercase) of the non-RRSIG records the additional section must hold, exactly. */
  addnames?: string[];
  flags?: string[];
  /** Acceptable record counts per section. */
  counts: Partial<Record<'answer' | 'authority' | 'additional', number[]>>;
}

export interface CorpusQuery {
  line: number;
  /** The "## ..." heading the line sits under. */
  group: string;
  text: string;
  name: string;
  type: string;
  opts: QueryOpts;
  expect: Expectation;
  comment: string;
}

const BOOL_OPTS: Record<string, keyof QueryOpts> = {
  tcp: 'tcp', v6: 'v6', noedns: 'noedns', dnssec: 'dnssec', rd: 'rd', cd: 'cd', ad: 'adflag', qr: 'qr',
};
const NUM_OPTS = new Set(['bufsize', 'opcode', 'qdcount', 'ednsver', 'timeout', 'ixfr', 'ednsz']);
export const PARTS = ['rcode', 'flags', 'question', 'edns', 'answer', 'authority', 'additional'] as const;

function parseOption(tok: string, opts: QueryOpts, where: string): void {
  const [key = '', value] = tok.slice(1).split('=', 2) as [string, string | undefined];
  const boolKey = BOOL_OPTS[key];
  if (boolKey !== undefined && value === undefined) {
    (opts as Record<string, unknown>)[boolKey] = true;
  } else if (NUM_OPTS.has(key) && value !== undefined && value !== '' && !Number.isNaN(Number(value))) {
    (opts as Record<string, unknown>)[key] = Number(value);
  } else if (key === 'raw' && value !== undefined && /^([0-9a-f]{2})+$/i.test(value)) {
    opts.raw = value;
  } else if (key === 'class' && value) {
    opts.class = value;
  } else if (key === 'ednsopt' && value !== undefined && /^\d+:[0-9a-f]*$/i.test(value)) {
    const [code = '0', hex = ''] = value.split(':');
    opts.ednsopt = [...(opts.ednsopt ?? []), [Number(code), hex]];
  } else {
    throw new Error(`${where}: unknown option ${tok}`);
  }
}

function parseExpect(tokens: string[], where: string): Expectation {
  const e: Expectation = { ignore: [], counts: {} };
  for (const tok of tokens) {
    const [key = '', value = ''] = tok.split('=', 2);
    if (key === 'drop' && value === '') e.drop = true;
    else if (key === 'peer' && ['nsd', 'knot', 'pdns', 'none', 'any'].includes(value)) e.peer = value as Expectation['peer'];
    else if (key === 'ignore') e.ignore.push(...value.split(','));
    else if (key === 'rcode' && value) e.rcode = value.toUpperCase().split('|');
    else if (key === 'options' && /^(\d+(,\d+)*)?$/.test(value)) e.options = value === '' ? [] : value.split(',').map(Number).sort((a, b) => a - b);
    else if (key === 'addnames') e.addnames = value === '' ? [] : value.split(',').map((n) => n.toLowerCase().replace(/\.$/, '')).sort();
    else if (key === 'flags') e.flags = value === '' ? [] : value.split(',').sort();
    else if ((key === 'answer' || key === 'authority' || key === 'additional') && /^\d+(\|\d+)*$/.test(value)) {
      e.counts[key] = value.split('|').map(Number);
    } else throw new Error(`${where}: unknown expectation ${tok}`);
  }
  for (const p of e.ignore) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`${where}: unknown part ${p}`);
  return e;
}

/** Parses the corpus (format in the header of test/fixtures/diff/queries.txt). A `#@ also: +a | +b +c`
 * line makes every later query of its group ("## ...") also run with those options added, once per
 * variant (skipped where the query already has them). */
export function parseCorpus(text: string, file = 'queries.txt'): CorpusQuery[] {
  const out: CorpusQuery[] = [];
  let group = '(no group)';
  let variants: string[][] = [];
  text.split('\n').forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    if (raw.startsWith('## ')) { group = raw.slice(3).trim(); variants = []; }
    if (raw.startsWith('#@ also:')) {
      variants = raw.slice(8).split('|').map((v) => v.trim().split(/\s+/).filter(Boolean));
      for (const v of variants) for (const tok of v) parseOption(tok, {}, where);
    }
    const hash = raw.indexOf('#');
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === '') return;
    const [query = '', expectText] = body.split(/\bexpect:/, 2) as [string, string | undefined];
    const [name, type, ...rest] = query.trim().split(/\s+/);
    if (name === undefined || type === undefined) throw new Error(`${where}: need NAME TYPE`);
    const expectTokens = expectText === undefined ? [] : expectText.trim().split(/\s+/).filter(Boolean);
    const expect = parseExpect(expectTokens, where);
    const comment = hash >= 0 ? raw.slice(hash + 1).trim() : '';
    const fqdn = name.endsWith('.') ? name : `${name}.`;
    const base = { line: i + 1, group, name: fqdn, type, expect, comment };
    out.push({ ...base, text: body, opts: parseOptions(rest, where) });
    if (rest.some((t) => t.startsWith('+raw='))) return;
    for (const v of variants) {
      if (v.every((t) => rest.includes(t))) continue;
      const extra = v.filter((t) => !rest.includes(t));
      const text = [name, type, ...rest, ...extra].join(' ') + (expectText === undefined ? '' : `  expect:${expectText}`);
      out.push({ ...base, text, opts: parseOptions([...rest, ...extra], where) });
    }
  });
  return out;
}

function parseOptions(tokens: string[], where: string): QueryOpts {
  const opts: QueryOpts = {};
  for (const tok of tokens) {
    if (!tok.startsWith('+')) throw new Error(`${where}: options start with +: ${tok}`);
    parseOption(tok, opts, where);
  }
  return opts;
}

export function loadCorpus(path: string): CorpusQuery[] {
  return parseCorpus(readFileSync(path, 'utf8'), path);
}

/** Who must be asked for q: Geodesic and the peers its expectations compare with. */
export function serversFor(q: CorpusQuery): string[] {
  if (q.expect.peer === 'pdns') return ['geodesic', 'pdns'];
  if (q.expect.peer === 'none') return ['geodesic'];
  return ['geodesic', 'nsd', 'knot'];
}
