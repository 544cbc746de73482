import { execFile } from 'node:child_process';

/** A zone transfer as kdig printed it: records in presentation form with whitespace collapsed. */
export interface Transfer {
  records: string[];
  /** How many DNS messages the transfer took (kdig's statistics line), or null if not printed. */
  messages: number | null;
  error?: string;
}

/** Runs `kdig AXFR` (or `IXFR=serial`) against host:port, bounded by timeoutMs. */
export function kdigTransfer(host: string, port: number, zone: string, kind: string, timeoutMs = 10_000): Promise<Transfer> {
  const args = ['-p', String(port), `@${host}`, zone, kind, '+noall', '+answer', '+stats',
    `+time=${Math.ceil(timeoutMs / 1000)}`, '+retry=0'];
  return new Promise((resolve) => {
    execFile('kdig', args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const records = stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' ')).filter((l) => l && !l.startsWith(';'));
      const m = /\((\d+) messages?,/.exec(stdout);
      const messages = m ? Number(m[1]) : null;
      resolve(err ? { records, messages, error: `${err.message} ${stderr}` } : { records, messages });
    });
  });
}

/** Problems with a transfer compared with a reference one: SOA first and last, same multiset of records. */
export function compareTransfers(got: Transfer, want: Transfer, gotName: string, wantName: string): string[] {
  const out: string[] = [];
  if (got.error) out.push(`${gotName}: ${got.error}`);
  const soa = (r: string | undefined): boolean => r?.split(' ')[3] === 'SOA';
  if (!soa(got.records[0]) || !soa(got.records.at(-1))) out.push(`${gotName}: SOA is not first and last`);
  const count = (rs: string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of rs) m.set(r.toLowerCase(), (m.get(r.toLowerCase()) ?? 0) + 1);
    return m;
  };
  const g = count(got.records);
  const w = count(want.records);
  const missing = [...w].filter(([r, n]) => (g.get(r) ?? 0) < n).map(([r]) => r);
  const extra = [...g].filter(([r, n]) => (w.get(r) ?? 0) < n).map(([r]) => r);
  if (missing.length > 0) out.push(`missing from ${gotName} (in ${wantName}):\n    ${missing.slice(0, 20).join('\n    ')}`);
  if (extra.length > 0) out.push(`only in ${gotName} (not in ${wantName}):\n    ${extra.slice(0, 20).join('\n    ')}`);
  if (want.records.length < 3) out.push(`${wantName} sent only ${want.records.length} records`);
  return out;
}
