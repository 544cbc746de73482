import { LuaEventMasks, LuaFactory } from 'wasmoon';
import type { LuaEngine } from 'wasmoon';
import { GeoError } from './errors.js';
import type { Evaluation } from './evaluation.js';
import { makeLibrary } from './lua-library.js';
import type { LibraryState, LuaHost } from './lua-library.js';
import { LUA_PRELUDE } from './lua-prelude.js';
import { mathRandom } from './picks.js';
import type { Random } from './picks.js';

export interface LuaVmOptions {
  /** Lua instructions one evaluation may run (PowerDNS lua-records-exec-limit, default 1000). */
  execLimit?: number;
  /** Bytes the Lua heap may grow to (default 16 MiB). */
  memoryLimit?: number;
  host: LuaHost;
  random?: Random;
}

const BUDGET_MESSAGE = 'Script took too long';

/**
 * One sandboxed Lua 5.4 VM (wasmoon): no file, OS, process or network access, and a count hook that
 * stops an evaluation after `execLimit` instructions. Created once (asynchronously: WebAssembly), then
 * used synchronously by the answer path. Record code is compiled once per distinct text.
 */
export class LuaVm {
  private readonly chunks = new Map<string, string>();
  private hook = 0;
  /** The budget ran out during the current evaluation. */
  private spent = false;

  private constructor(private readonly engine: LuaEngine, private readonly state: LibraryState,
    private readonly execLimit: number) {}

  static async create(options: LuaVmOptions): Promise<LuaVm> {
    const engine = await new LuaFactory().createEngine({
      openStandardLibs: true, injectObjects: false, enableProxy: false, traceAllocations: true,
    });
    engine.global.setMemoryMax(options.memoryLimit ?? 16 * 1024 * 1024);
    const state: LibraryState = { ev: null, host: options.host, random: options.random ?? mathRandom };
    const lib = makeLibrary(state);
    const holder: { vm: LuaVm | null } = { vm: null };
    const js: Record<string, unknown> = { ...lib.helpers, fns: lib.fns, budgetSpent: () => holder.vm?.spent === true };
    engine.global.set('__js', js);
    engine.doStringSync(LUA_PRELUDE);
    const vm = new LuaVm(engine, state, options.execLimit ?? 1000);
    holder.vm = vm;
    vm.installHook();
    return vm;
  }

  private installHook(): void {
    const g = this.engine.global;
    const lua = g.lua;
    this.hook = lua.module.addFunction((L: number) => {
      this.spent = true;
      lua.lua_pushstring(L, BUDGET_MESSAGE);
      lua.lua_error(L);
    }, 'vii');
  }

  /**
   * Runs record code (PowerDNS form: an expression, or `;` and a script) for one evaluation. Returns
   * what the code returned: a string, an array of strings, or other values (the caller checks).
   * Throws GeoError GDNS_ERR_LUA_BUDGET / GDNS_ERR_LUA_SCRIPT.
   */
  run(code: string, ev: Evaluation): unknown {
    let id = this.chunks.get(code);
    const g = this.engine.global;
    if (id === undefined) {
      id = `c${this.chunks.size}`;
      const body = code.startsWith(';') ? code.slice(1) : `return ${code}`;
      const err = g.call('__compile', id, body)[0] as string | null | undefined;
      g.setTop(0);
      if (typeof err === 'string') throw new GeoError('GDNS_ERR_LUA_SCRIPT', `does not compile: ${err}`);
      this.chunks.set(code, id);
    }
    const inp = ev.inputs;
    this.state.ev = ev;
    const lua = g.lua;
    if (this.execLimit > 0) lua.lua_sethook(g.address, this.hook, LuaEventMasks.Count, this.execLimit);
    this.spent = false;
    let r: unknown[];
    try {
      r = g.call('__run', id, inp.ecs !== null, inp.zoneId, inp.dnssecOk, inp.tcp, inp.ednsSize);
    } catch (err) {
      throw new GeoError('GDNS_ERR_LUA_SCRIPT', message(err), { cause: err });
    } finally {
      lua.lua_sethook(g.address, null, 0, 0);
      g.setTop(0);
      this.state.ev = null;
    }
    if (r[0] === true) return r[1];
    if (this.spent) throw new GeoError('GDNS_ERR_LUA_BUDGET', `ran more than ${this.execLimit} Lua instructions`);
    throw new GeoError('GDNS_ERR_LUA_SCRIPT', String(r[1]));
  }

  /** The server around the VM (health of targets, zone data). */
  get host(): LuaHost {
    return this.state.host;
  }

  get random(): Random {
    return this.state.random;
  }

  close(): void {
    this.engine.global.lua.module.removeFunction(this.hook);
    this.engine.global.close();
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
