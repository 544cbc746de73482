import { ZoneFileError } from './errors.js';

/** A zone-file token: the wire helper's Token shape ({text: raw, quoted}) plus where it stood. */
export interface ZoneToken {
  readonly text: string;     // raw: escapes are left for the name/rdata parsers
  readonly quoted: boolean;  // text is what stood between the quotes
  readonly line: number;     // 1-based
  readonly column: number;   // 1-based
}

/** One logical line: parentheses joined, comments dropped. */
export interface ZoneEntry {
  readonly tokens: ZoneToken[];
  readonly blankOwner: boolean;  // the line began with a space or tab: the owner is the previous one
  readonly line: number;         // line of the first token
}

const EQ = 61, SP = 32, TAB = 9, CR = 13, LF = 10, SEMI = 59, LPAR = 40, RPAR = 41, QUOTE = 34, BSL = 92;

function isDelimiter(c: number): boolean {
  return c === SP || c === TAB || c === CR || c === LF || c === SEMI || c === LPAR || c === RPAR || c === QUOTE;
}

/**
 * RFC 1035 §5.1 master-file lexer: pull one logical line at a time with `next()`. Quoted strings may
 * hold ';' and '(' and escaped quotes; `\X` and `\DDD` stay in the token text for the parsers.
 */
export class ZoneLexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string, private readonly file: string) {}

  private fail(line: number, column: number, reason: string): never {
    throw new ZoneFileError(this.file, line, column, reason);
  }

  next(): ZoneEntry | null {
    const s = this.text;
    const n = s.length;
    const tokens: ZoneToken[] = [];
    let depth = 0;
    let parenLine = 0, parenCol = 0;
    let blankOwner = false;
    let atLineStart = true;
    while (this.pos < n) {
      const c = s.charCodeAt(this.pos);
      if (atLineStart) {
        atLineStart = false;
        if (tokens.length === 0 && depth === 0) blankOwner = c === SP || c === TAB;
      }
      if (c === SP || c === TAB || c === CR) { this.pos++; continue; }
      if (c === LF) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
        atLineStart = true;
        if (depth === 0 && tokens.length > 0) break;
        continue;
      }
      if (c === SEMI) {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? n : nl;
        continue;
      }
      const column = this.pos - this.lineStart + 1;
      if (c === LPAR) {
        if (depth === 0) { parenLine = this.line; parenCol = column; }
        depth++;
        this.pos++;
        continue;
      }
      if (c === RPAR) {
        if (depth === 0) this.fail(this.line, column, "')' without a matching '('");
        depth--;
        this.pos++;
        continue;
      }
      if (c === QUOTE) {
        tokens.push({ text: this.quoted(column), quoted: true, line: this.line, column });
        continue;
      }
      const start = this.pos;
      let p = start;
      while (p < n) {
        const d = s.charCodeAt(p);
        if (d === BSL) { p += 2; continue; }
        if (d === QUOTE && p > start && s.charCodeAt(p - 1) === EQ) { p = this.skipQuoted(p, column); continue; }
        if (isDelimiter(d)) break;
        p++;
      }
      if (p > n) p = n;
      this.pos = p;
      tokens.push({ text: s.slice(start, p), quoted: false, line: this.line, column });
    }
    if (depth > 0) this.fail(parenLine, parenCol, "'(' is never closed");
    if (tokens.length === 0) return null;
    return { tokens, blankOwner, line: tokens[0]!.line };
  }

  private quoted(column: number): string {
    const start = this.pos + 1;
    const p = this.skipQuoted(this.pos, column) - 1;
    this.pos = p + 1;
    return this.text.slice(start, p);
  }

  /** From the opening quote at `open`, returns the index after the closing quote. */
  private skipQuoted(open: number, column: number): number {
    const s = this.text;
    let p = open + 1;
    for (;;) {
      if (p >= s.length) this.fail(this.line, column, 'quoted string is never closed');
      const d = s.charCodeAt(p);
      if (d === BSL) { p += 2; continue; }
      if (d === QUOTE) break;
      if (d === LF) this.fail(this.line, column, 'quoted string is not closed on its line');
      p++;
    }
    return p + 1;
  }
}
