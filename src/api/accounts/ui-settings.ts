import { ApiError, unprocessable } from '../errors.js';
import type { AccountDb } from './account-db.js';

/** The admin settings (store `settings` table, names `ui.*` and PowerDNS's `default-soa-content`). */
export interface UiSettings {
  /** Anyone may create a (viewer) account. Off by default; the very first account is always allowed. */
  allowSignup: boolean;
  /** Record types the UI offers (PowerDNS-Admin's "Settings - Zone Records"). */
  recordTypes: string[];
  /** LUA records editable in the UI (the server answers them only with --enable-lua-records). */
  luaRecords: boolean;
  /** NS set of new zones. */
  defaultNameservers: string[];
  /** SOA of new zones, PowerDNS's default-soa-content (`@` stands for the zone). */
  defaultSoa: string;
  /** Trusted reverse proxy login: the header naming the user ('' = off) and the proxies' networks. */
  proxyHeader: string;
  proxyNetworks: string[];
}

export const DEFAULT_TYPES = ['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HTTPS', 'LUA', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT'];

export const DEFAULTS: UiSettings = {
  allowSignup: false,
  recordTypes: DEFAULT_TYPES,
  luaRecords: false,
  defaultNameservers: [],
  defaultSoa: 'a.misconfigured.dns.server.invalid. hostmaster.@ 0 10800 3600 604800 3600',
  proxyHeader: '',
  proxyNetworks: [],
};

const KEYS: Record<keyof UiSettings, string> = {
  allowSignup: 'ui.allow-signup', recordTypes: 'ui.record-types', luaRecords: 'ui.lua-records',
  defaultNameservers: 'ui.default-nameservers', defaultSoa: 'default-soa-content', proxyHeader: 'ui.proxy-header',
  proxyNetworks: 'ui.proxy-networks',
};

export async function readSettings(db: AccountDb, luaDefault: boolean): Promise<UiSettings> {
  const m = new Map([...await db.settings('ui.'), ...await db.settings('default-soa-content')]);
  const json = <T>(k: keyof UiSettings, d: T): T => {
    const v = m.get(KEYS[k]);
    if (v === undefined) return d;
    try { return JSON.parse(v) as T; } catch { return d; }
  };
  return {
    allowSignup: json('allowSignup', DEFAULTS.allowSignup),
    recordTypes: json('recordTypes', DEFAULTS.recordTypes),
    luaRecords: json('luaRecords', luaDefault),
    defaultNameservers: json('defaultNameservers', DEFAULTS.defaultNameservers),
    defaultSoa: m.get(KEYS.defaultSoa) ?? DEFAULTS.defaultSoa,
    proxyHeader: json('proxyHeader', DEFAULTS.proxyHeader),
    proxyNetworks: json('proxyNetworks', DEFAULTS.proxyNetworks),
  };
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Checks a PATCH body; throws 422 naming the setting. Returns the store rows to write. */
export function settingsPatch(body: unknown): Map<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'the body must be a JSON object of settings');
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (!(k in KEYS)) throw unprocessable(`unknown setting "${k}"; known: ${Object.keys(KEYS).join(', ')}`);
    const key = k as keyof UiSettings;
    if (key === 'allowSignup' || key === 'luaRecords') {
      if (typeof v !== 'boolean') throw unprocessable(`setting ${k} must be true or false`);
      out.set(KEYS[key], JSON.stringify(v));
    } else if (key === 'recordTypes' || key === 'defaultNameservers' || key === 'proxyNetworks') {
      if (!isStrings(v)) throw unprocessable(`setting ${k} must be a list of strings`);
      const list = key === 'recordTypes' ? v.map((t) => t.toUpperCase())
        : key === 'defaultNameservers' ? v.map((n) => (n.endsWith('.') ? n.toLowerCase() : `${n.toLowerCase()}.`)) : v;
      if (key === 'defaultNameservers' && list.some((n) => !/^([a-z0-9_-]{1,63}\.)+$/.test(n))) throw unprocessable(`setting ${k}: every entry must be a host name`);
      if (key === 'proxyNetworks' && list.some((n) => !/^[0-9a-f.:]+(\/\d{1,3})?$/i.test(n))) throw unprocessable(`setting ${k}: every entry must be an address or network (CIDR)`);
      out.set(KEYS[key], JSON.stringify(list));
    } else if (key === 'defaultSoa') {
      if (typeof v !== 'string' || v.trim().split(/\s+/).length !== 7) throw unprocessable('setting defaultSoa must be seven fields: mname rname serial refresh retry expire minimum');
      out.set(KEYS[key], v.trim());
    } else {
      if (typeof v !== 'string' || (v !== '' && !/^[A-Za-z0-9-]+$/.test(v))) throw unprocessable(`setting ${k} must be a header name or ""`);
      out.set(KEYS[key], JSON.stringify(v));
    }
  }
  return out;
}
