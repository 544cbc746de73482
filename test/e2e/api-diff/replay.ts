/**
 * Replaying request sequences against PowerDNS and Geodesic and comparing the normalized answers.
 * A step is data: the request, what PowerDNS 4.7 answers (checked, so a case proves what it claims), and
 * where Geodesic answers otherwise on purpose (docs/api-compat.md lists each and why).
 */
import { dig } from '../lib/serve-process.js';
import { send } from './http.js';
import type { ApiRequest, ApiResponse } from './http.js';
import { differences, normalize } from './normalize.js';
import type { NormalizeOptions } from './normalize.js';
import type { ApiServer } from './pdns.js';

export const SERVER = '/api/v1/servers/localhost';
export const ZONES = `${SERVER}/zones`;

export interface Step extends ApiRequest {
  /** The status PowerDNS 4.7 answers. */
  status?: number;
  /** Geodesic answers one of these instead, on purpose; `why` is printed when it does not; `check` reads its answer. */
  geodesic?: { status: number | number[]; why: string; check?: (res: ApiResponse) => string | undefined };
  /** Words Geodesic's error must contain (a 422 names the RRset and the reason). */
  mentions?: string[];
  norm?: NormalizeOptions;
  /** A client's own reading of the answer (what its source does with it); a string is a failure. */
  check?: (res: ApiResponse) => string | undefined;
  /** Send to PowerDNS only (what 4.7 cannot do is tested against Geodesic alone elsewhere). */
  pdnsOnly?: boolean;
  /** Right after the answer, ask each server over DNS (dig +short): the answers must be equal, and `want` when given. */
  dns?: { name: string; type: string; want?: string[] };
  /** An open finding (its id and a few words, docs/api-compat.md "Open differences"): this step's problems are printed, not failed. */
  known?: string;
  /** The path from this server's answer to the step before (ids each server chose, e.g. a cryptokey's). */
  pathFrom?: (previous: ApiResponse) => string;
}

/** Problems of steps marked `known` start with this; `failures` leaves them out. */
export const KNOWN = 'known ';

/** The problems that fail a case (those of steps marked `known` are only printed). */
export function failures(problems: string[]): string[] {
  for (const p of problems.filter((x) => x.startsWith(KNOWN))) console.log(p.split('\n').slice(0, 4).join('\n').slice(0, 600));
  return problems.filter((x) => !x.startsWith(KNOWN));
}

/** `dig +short` lines, sorted (the order of an RRset is not meaningful). */
async function askDns(server: ApiServer, name: string, type: string): Promise<string[]> {
  const out = await dig(server.dnsPort, '+short', '+norec', name, type);
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();
}

export interface Servers {
  pdns?: ApiServer;
  geodesic?: ApiServer;
}

const label = (i: number, s: Step): string => `step ${i + 1} ${s.method} ${s.path}`;

/** Checks that hold for every Geodesic error: JSON `{"error": "..."}` with a JSON content type. */
export function errorShape(res: ApiResponse): string | undefined {
  if (res.status < 400) return undefined;
  if (!res.contentType.startsWith('application/json')) return `error answered as ${res.contentType || 'no content type'}, not application/json: ${res.text.slice(0, 120)}`;
  const b = res.body as { error?: unknown } | null;
  if (b === null || typeof b !== 'object' || typeof b.error !== 'string' || b.error === '') return `error body is not {"error": "..."}: ${res.text.slice(0, 120)}`;
  return undefined;
}

/** Sends each step to both servers in turn; returns every problem found (empty: the same behaviour). */
export async function replay(servers: Servers, steps: Step[]): Promise<string[]> {
  const problems: string[] = [];
  const previous = new Map<string, ApiResponse>();
  for (const [i, step] of steps.entries()) {
    const where = label(i, step);
    const found = await stepProblems(servers, step, where, previous);
    if (step.dns) found.push(...await dnsProblems(servers, step.dns, where));
    if (step.known !== undefined && found.length === 0) console.log(`${where}: passes now although marked as open finding ${step.known}: remove the mark`);
    problems.push(...(step.known !== undefined ? found.map((x) => `${KNOWN}${step.known}: ${x}`) : found));
  }
  return problems;
}

async function dnsProblems(servers: Servers, q: NonNullable<Step['dns']>, where: string): Promise<string[]> {
  const out: string[] = [];
  const want = q.want?.slice().sort();
  const answers: Array<[string, string[]]> = [];
  for (const s of [servers.pdns, servers.geodesic]) {
    if (!s || s.dnsPort === 0) continue;
    const got = await askDns(s, q.name, q.type);
    answers.push([s.name, got]);
    if (want && JSON.stringify(got) !== JSON.stringify(want)) out.push(`${where}: ${s.name} answers ${q.name} ${q.type} over DNS with ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  if (!want && answers.length === 2 && JSON.stringify(answers[0]![1]) !== JSON.stringify(answers[1]![1])) {
    out.push(`${where}: over DNS ${q.name} ${q.type}: pdns ${JSON.stringify(answers[0]![1])}, geodesic ${JSON.stringify(answers[1]![1])}`);
  }
  return out;
}

async function stepProblems(servers: Servers, step: Step, where: string, previous: Map<string, ApiResponse>): Promise<string[]> {
  const problems: string[] = [];
  const ask = async (s: ApiServer): Promise<ApiResponse> => {
    const before = previous.get(s.name);
    const res = await send(s, step.pathFrom && before ? { ...step, path: step.pathFrom(before) } : step);
    previous.set(s.name, res);
    return res;
  };
  let theirs: ApiResponse | undefined;
  if (servers.pdns) {
    theirs = await ask(servers.pdns);
    if (step.status !== undefined && theirs.status !== step.status) {
      problems.push(`${where}: PowerDNS answered ${theirs.status} (the case expects ${step.status}): ${theirs.text.slice(0, 200)}`);
    }
    const c = step.check?.(theirs);
    if (c) problems.push(`${where}: PowerDNS's answer fails the client's reading: ${c}`);
  }
  if (!servers.geodesic || step.pdnsOnly) return problems;
  const ours = await ask(servers.geodesic);
  const shape = errorShape(ours);
  if (shape) problems.push(`${where}: geodesic ${shape}`);
  const c = step.check?.(ours);
  if (c) problems.push(`${where}: Geodesic's answer fails the client's reading: ${c}`);
  for (const w of step.mentions ?? []) {
    if (ours.status >= 400 && !ours.text.toLowerCase().includes(w.toLowerCase())) problems.push(`${where}: geodesic's error does not mention "${w}": ${ours.text.slice(0, 200)}`);
  }
  if (step.geodesic) {
    const ok = ([] as number[]).concat(step.geodesic.status);
    if (!ok.includes(ours.status)) problems.push(`${where}: geodesic answered ${ours.status}, expected ${ok.join(' or ')} (${step.geodesic.why}): ${ours.text.slice(0, 200)}`);
    const g = step.geodesic.check?.(ours);
    if (g) problems.push(`${where}: geodesic ${g} (${step.geodesic.why})`);
    return problems;
  }
  if (!theirs) {
    if (step.status !== undefined && ours.status !== step.status) problems.push(`${where}: geodesic answered ${ours.status}, expected ${step.status}: ${ours.text.slice(0, 200)}`);
    return problems;
  }
  const a = normalize(theirs, step.norm);
  const b = normalize(ours, step.norm);
  if (a.status !== b.status) {
    problems.push(`${where}: status pdns ${a.status}, geodesic ${b.status}\n    pdns:     ${theirs.text.slice(0, 300)}\n    geodesic: ${ours.text.slice(0, 300)}`);
    return problems;
  }
  const d = differences(a.body, b.body);
  if (d.length > 0) problems.push(`${where}: answers differ\n    ${d.join('\n    ')}`);
  // the kind of body (JSON or zone text) as clients pick their parser by it; PowerDNS's empty 200s are text/html
  const kind = (r: ApiResponse): string => (r.text === '' ? 'empty' : r.contentType.split(';')[0]!.trim());
  if (a.status < 300 && kind(theirs) !== kind(ours)) problems.push(`${where}: content type pdns ${theirs.contentType || 'none'}, geodesic ${ours.contentType || 'none'}`);
  return problems;
}

/** Deletes zones on every server (not compared): each case starts from a clean slate. PowerDNS one by one
 * (its SQLite backend answers 500 to writes at the same time), Geodesic all at once (a secondary's DELETE may
 * wait on its refresh). */
export async function dropZones(servers: Servers, zones: string[]): Promise<void> {
  const drop = (s: ApiServer, z: string): Promise<unknown> => send(s, { method: 'DELETE', path: `${ZONES}/${z.replace(/\//g, '=2F')}` });
  await Promise.all([
    (async () => { if (servers.pdns) for (const z of zones) await drop(servers.pdns, z); })(),
    servers.geodesic ? Promise.all(zones.map((z) => drop(servers.geodesic!, z))) : undefined,
  ]);
}

/** A zone with SOA and NS given, the way most cases start. */
export function createZone(name: string, extra: Record<string, unknown> = {}): Step {
  return { method: 'POST', path: ZONES, body: { name, kind: 'Native', nameservers: [`ns1.${name}`, `ns2.${name}`], ...extra }, status: 201 };
}

/** One PATCH with REPLACE of one rrset. */
export function replace(zone: string, name: string, type: string, contents: string[], ttl = 300, extra: Record<string, unknown> = {}): Step {
  return {
    method: 'PATCH', path: `${ZONES}/${zone}`, status: 204,
    body: { rrsets: [{ name, type, ttl, changetype: 'REPLACE', records: contents.map((content) => ({ content, disabled: false })), ...extra }] },
  };
}

export function patch(zone: string, rrsets: unknown[], status = 204): Step {
  return { method: 'PATCH', path: `${ZONES}/${zone}`, body: { rrsets }, status };
}

export function getZone(zone: string, query = ''): Step {
  return { method: 'GET', path: `${ZONES}/${zone}${query}`, status: 200 };
}
