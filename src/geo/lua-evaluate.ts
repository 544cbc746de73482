import { GeoError } from './errors.js';
import { Evaluation } from './evaluation.js';
import type { Choice, LuaInputs, Reads } from './evaluation.js';
import type { GeoIp } from './geoip.js';
import type { LuaVm } from './lua-vm.js';
import { ruleOfCode } from './geo-rule.js';
import type { GeoRule } from './geo-rule.js';
import { evaluateRule } from './geo-rule-eval.js';
import type { HealthOf, RuleOutcome } from './geo-rule-eval.js';
import type { LuaHost } from './lua-library.js';

/** What the LUA records of one name and type gave for one query. */
export interface LuaOutcome {
  /** Record contents (presentation text, one per record), when no random pick is left to make. */
  contents: string[];
  /** A random pick whose candidates may be cached: each answer picks again (contents is one pick). */
  choice: Choice | null;
  reads: Reads;
  /** The evaluation failed (script error, budget, bad result): SERVFAIL for this name. */
  error: GeoError | null;
}

/**
 * Runs every LUA record's code (same type) in one Evaluation, as PowerDNS's luaSynth: a string or a
 * table of strings each; anything else is an error.
 */
export function evaluateLua(vm: LuaVm, codes: readonly string[], inputs: LuaInputs, geo: GeoIp | null): LuaOutcome {
  const ev = new Evaluation(inputs, geo);
  const contents: string[] = [];
  let lastResult: unknown = null;
  try {
    for (const code of codes) {
      const rule = declarativeRule(code);
      const r = rule !== null ? evaluateRule(rule, ev, healthOf(vm.host), vm.random).result : vm.run(code, ev);
      lastResult = r;
      contents.push(...resultContents(r));
    }
  } catch (err) {
    const error = err instanceof GeoError ? err : new GeoError('GDNS_ERR_LUA_SCRIPT', String(err), { cause: err });
    return { contents: [], choice: null, reads: ev.reads, error };
  }
  let choice: Choice | null = null;
  if (ev.randomCalls > 0) {
    if (ev.randomCalls === 1 && codes.length === 1 && samePick(lastResult, ev.lastPick)) choice = ev.lastChoice;
    else ev.reads.uncacheable = true;
  }
  return { contents, choice, reads: ev.reads, error: null };
}

function resultContents(r: unknown): string[] {
  if (typeof r === 'string') return [r];
  if (typeof r === 'number') return [String(r)];
  if (Array.isArray(r)) return r.map((x) => String(x));
  if (typeof r === 'object' && r !== null) {
    return Object.keys(r).sort((a, b) => Number(a) - Number(b)).map((k) => String((r as Record<string, unknown>)[k]));
  }
  throw new GeoError('GDNS_ERR_LUA_RESULT', `returned ${r === null ? 'nil' : typeof r}, not a string or a table of strings`);
}

function samePick(result: unknown, pick: string | string[] | null): boolean {
  if (typeof pick === 'string') return result === pick;
  if (!Array.isArray(pick) || !Array.isArray(result)) return false;
  return result.length === pick.length && result.every((x, i) => x === pick[i]);
}

const rules = new Map<string, GeoRule | null>();

/** The declarative rule of a LUA record's code (kept by code text), or null for plain Lua. */
export function declarativeRule(code: string): GeoRule | null {
  let r = rules.get(code);
  if (r === undefined) {
    r = ruleOfCode(code);
    if (rules.size > 10_000) rules.clear();
    rules.set(code, r);
  }
  return r;
}

/** Health of declarative endpoints from the host (no health plane: all up, unless not checked). */
export function healthOf(host: LuaHost): HealthOf {
  return (spec, names) => host.health?.(spec, names) ?? 1;
}

/** A declarative record's decision for these inputs, with the reason (`geodesic geo whatif`). */
export function explainRule(rule: GeoRule, inputs: LuaInputs, geo: GeoIp | null, health: HealthOf,
  random: (n: number) => number = (n) => Math.floor(Math.random() * n)): RuleOutcome {
  return evaluateRule(rule, new Evaluation(inputs, geo), health, random);
}
