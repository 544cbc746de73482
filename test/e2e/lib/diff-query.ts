import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { QueryOpts } from './diff-corpus.js';

const SCRIPT = resolve(import.meta.dirname, '../py/diff_query.py');
export const PYTHON = '/usr/bin/python3';

/** One normalised response as printed by diff_query.py (or {drop} / {error} / {unparsed}). */
export interface Answer {
  drop?: boolean;
  skipped?: boolean;
  error?: string;
  unparsed?: string;
  id?: number;
  opcode?: number;
  rcode?: string;
  flags?: string[];
  question?: string[];
  edns?: { version: number; do: boolean; payload: number; zflags: number; options: number[] } | null;
  answer?: string[];
  authority?: string[];
  additional?: string[];
  size?: number;
}

export interface WireQuery {
  name: string;
  type: string;
  opts: QueryOpts;
  /** Servers to ask (default: all). */
  servers?: string[];
}

export interface QueryJob {
  servers: Record<string, { hosts: readonly string[]; port: number }>;
  queries: WireQuery[];
  /** Each pipeline's queries go out on one TCP connection, in one write or in `chunk`-octet writes. */
  pipelines?: { queries: WireQuery[]; chunk?: number }[];
  /** Servers asked the whole corpus a second time (answers in QueryResults.again). */
  repeat?: string[];
}

export interface QueryResults {
  answers: Record<string, Answer[]>;
  pipelines: Record<string, Answer[][]>;
  again: Record<string, Answer[]>;
}

/** Runs diff_query.py once for the whole job (one python process), bounded by timeoutMs. */
export function runQueries(job: QueryJob, timeoutMs: number): Promise<QueryResults> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`diff_query.py timed out after ${timeoutMs} ms`)); }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (process.env.DIFF_QUERY_TIMES) process.stderr.write(err);
      if (code !== 0) { reject(new Error(`diff_query.py exited ${code}: ${err.slice(-2000)}`)); return; }
      try { resolvePromise(JSON.parse(out) as QueryResults); } catch (e) { reject(e as Error); }
    });
    child.stdin.end(JSON.stringify(job));
  });
}
