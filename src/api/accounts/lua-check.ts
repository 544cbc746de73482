import { LuaFactory } from 'wasmoon';
import type { LuaEngine } from 'wasmoon';

let engine: Promise<LuaEngine> | null = null;

/**
 * Compiles (never runs) the code of a LUA record as PowerDNS reads it — an expression, or `;` and a script —
 * in a bare Lua 5.4 VM; returns the compiler's message, or null when the code compiles.
 */
export async function luaSyntaxError(code: string): Promise<string | null> {
  engine ??= new LuaFactory().createEngine({ openStandardLibs: true, injectObjects: false, enableProxy: false, traceAllocations: true })
    .then((e) => { e.global.setMemoryMax(8 * 1024 * 1024); return e; });
  const e = await engine;
  const body = code.startsWith(';') ? code.slice(1) : `return ${code}`;
  e.global.set('__src', body);
  try {
    const r = e.doStringSync("local f, err = load(__src, 'record', 't', {}) return err") as unknown;
    return typeof r === 'string' ? r.replace(/^\[string "record"\]:/, 'line ') : null;
  } finally {
    e.global.set('__src', '');
  }
}
