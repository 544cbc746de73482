// Type-aware record fields: each type splits its presentation form into named parts and joins them back,
// so users type "10" and "mail.example.org." instead of "10 mail.example.org.", and TXT quoting is done for them.

export interface Part { key: string; label: string; kind?: 'number' | 'select' | 'code'; options?: string[]; hint?: string }
export interface TypeForm { parts: Part[]; split(content: string): Record<string, string>; join(v: Record<string, string>): string }

const words = (s: string): string[] => s.trim().split(/\s+/);

/** "a" "b" → the text with quotes and escapes removed (\DDD are octets: UTF-8 is decoded); chunks joined. */
export function unquoteTxt(content: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(content)) !== null) {
    const s = m[1] ?? m[2] ?? '';
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '\\' && /^\d{3}$/.test(s.slice(i + 1, i + 4))) { bytes.push(Number(s.slice(i + 1, i + 4))); i += 3; continue; }
      if (s[i] === '\\' && i + 1 < s.length) i++;
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...enc.encode(String.fromCodePoint(cp)));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Text → quoted presentation form, split into 255-octet strings as DNS requires. */
export function quoteTxt(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    let s = '';
    for (const b of bytes.subarray(i, i + 255)) {
      if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
      else if (b < 0x20 || b > 0x7e) s += `\\${String(b).padStart(3, '0')}`;
      else s += String.fromCharCode(b);
    }
    chunks.push(`"${s}"`);
    if (bytes.length === 0) break;
  }
  return chunks.join(' ');
}

const single = (label: string, hint?: string): TypeForm => ({
  parts: [{ key: 'v', label, hint }],
  split: (c) => ({ v: c }),
  join: (v) => (v.v ?? '').trim(),
});

const positional = (parts: Part[], rest = false): TypeForm => ({
  parts,
  split: (c) => {
    const w = words(c);
    const out: Record<string, string> = {};
    parts.forEach((p, i) => { out[p.key] = rest && i === parts.length - 1 ? w.slice(i).join(' ') : (w[i] ?? ''); });
    return out;
  },
  join: (v) => parts.map((p) => (v[p.key] ?? '').trim()).join(' '),
});

export const TYPE_FORMS: Record<string, TypeForm> = {
  A: single('IPv4 address'),
  AAAA: single('IPv6 address'),
  CNAME: single('Target name', 'A full name ends with a dot.'),
  NS: single('Name server'),
  PTR: single('Target name'),
  MX: positional([{ key: 'pref', label: 'Priority', kind: 'number' }, { key: 'host', label: 'Mail server' }]),
  SRV: positional([{ key: 'prio', label: 'Priority', kind: 'number' }, { key: 'weight', label: 'Weight', kind: 'number' },
    { key: 'port', label: 'Port', kind: 'number' }, { key: 'target', label: 'Target' }]),
  CAA: {
    parts: [{ key: 'flags', label: 'Flags', kind: 'number' }, { key: 'tag', label: 'Tag', kind: 'select', options: ['issue', 'issuewild', 'iodef', 'issuemail'] },
      { key: 'value', label: 'Value', hint: 'e.g. letsencrypt.org' }],
    split: (c) => {
      const m = /^(\d+)\s+(\S+)\s+(.*)$/.exec(c.trim());
      return m ? { flags: m[1]!, tag: m[2]!, value: unquoteTxt(m[3]!) } : { flags: '0', tag: 'issue', value: '' };
    },
    join: (v) => `${(v.flags ?? '0').trim() || '0'} ${v.tag ?? 'issue'} ${quoteTxt(v.value ?? '')}`,
  },
  TXT: {
    parts: [{ key: 'text', label: 'Text', hint: 'Typed as is: quoting and 255-byte splitting are done for you.' }],
    split: (c) => ({ text: unquoteTxt(c) }),
    join: (v) => quoteTxt(v.text ?? ''),
  },
  LUA: {
    parts: [{ key: 'rtype', label: 'Answer type', kind: 'select', options: ['A', 'AAAA', 'CNAME', 'TXT', 'MX'] },
      { key: 'code', label: 'LUA code', kind: 'code', hint: "e.g. pickclosest({'192.0.2.1','198.51.100.1'})" }],
    split: (c) => {
      const m = /^(\S+)\s+"((?:[^"\\]|\\.)*)"\s*$/.exec(c.trim());
      return m ? { rtype: m[1]!, code: m[2]!.replace(/\\(.)/g, '$1') } : { rtype: words(c)[0] ?? 'A', code: words(c).slice(1).join(' ') };
    },
    join: (v) => `${v.rtype ?? 'A'} "${(v.code ?? '').replace(/[\\"]/g, (ch) => `\\${ch}`)}"`,
  },
};

export function formFor(type: string): TypeForm {
  return TYPE_FORMS[type.toUpperCase()] ?? single('Content (presentation form)');
}

export const COMMON_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'PTR', 'LUA', 'DS', 'SSHFP', 'TLSA', 'HTTPS', 'SVCB', 'NAPTR'];

/** A LUA body's syntax problems we can see without running it: unbalanced brackets and quotes. */
export function luaSyntaxProblem(code: string): string {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote = '';
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') stack.push(ch);
    else if (ch in pairs) {
      if (stack.pop() !== pairs[ch]) return `unexpected '${ch}' at character ${i + 1}`;
    }
  }
  if (quote) return `unterminated string (${quote})`;
  if (stack.length) return `'${stack.at(-1)}' is never closed`;
  return '';
}

/** Where an API error belongs: the field the message talks about (the API names the RRset and the reason). */
export function errorField(msg: string): 'name' | 'ttl' | 'content' | 'type' | 'form' {
  if (/\bttl\b/i.test(msg)) return 'ttl';
  if (/not (in|under) (the )?zone|out of zone|outside|label|owner|name .*(long|invalid)|octets/i.test(msg)) return 'name';
  if (/type .*(not allowed|unknown)|unknown type|record type/i.test(msg)) return 'type';
  if (/content|parse|address|record|rdata|invalid|expected|cname/i.test(msg)) return 'content';
  return 'form';
}
