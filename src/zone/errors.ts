import { AppError } from '../lib/index.js';

/** One finding of `checkZone` or of the loader (named-checkzone's rules). */
export interface Diagnostic {
  severity: 'error' | 'warning';
  file?: string;
  line?: number;
  column?: number;
  name?: string;
  type?: string;
  message: string;
}

/** A zone file that cannot be read: names the file, line, column (1-based) and reason. */
export class ZoneFileError extends AppError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  constructor(file: string, line: number, column: number, reason: string, options?: { cause?: unknown }) {
    super('GDNS_ERR_ZONE_SYNTAX', `${file}:${line}:${column}: ${reason}`, options);
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** A zone that parsed but breaks the semantic rules (no SOA, CNAME and other data, missing glue...). */
export class ZoneCheckError extends AppError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(zoneName: string, diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super('GDNS_ERR_ZONE_CHECK', `zone ${zoneName}: ${errors.length} error(s): ` +
      errors.slice(0, 5).map(formatDiagnostic).join('; '));
    this.diagnostics = diagnostics;
  }
}

/** `file:line: severity: message` as named-checkzone prints its findings. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file === undefined ? '' :
    `${d.file}${d.line !== undefined ? `:${d.line}` : ''}${d.column !== undefined ? `:${d.column}` : ''}: `;
  return `${where}${d.severity}: ${d.message}`;
}
