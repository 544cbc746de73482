import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { formatResolver, parseResolver, stubLookup, systemResolvers } from '../alias/index.js';
import type { AliasEvent } from '../alias/index.js';
import type { AliasConfig } from '../config/index.js';
import { AliasStage, HANDOFF } from '../engine/index.js';
import type { Engine } from '../engine/index.js';
import type { HandoffHandler } from '../net/index.js';

/**
 * The ALIAS stage for `geodesic serve` from the `alias:` config section (or --resolver/--expand-alias):
 * undefined while ALIAS expansion is off (ALIAS records then load but are not served, as in PowerDNS).
 * A bad resolver address is an error naming it. Target changes and failures are logged.
 */
export function startAlias(config: AliasConfig, log: Logger): AliasStage | undefined {
  if (!config.enabled) return undefined;
  const resolvers = config.resolvers.length > 0
    ? config.resolvers.map((r) => {
      try {
        return parseResolver(r);
      } catch (err) {
        throw new Error(`--resolver / alias.resolvers: ${(err as Error).message}`);
      }
    })
    : systemResolvers();
  const stage = AliasStage.create({
    lookup: stubLookup(resolvers, { timeoutMs: config.timeoutMs }),
    failure: config.failure,
    maxStaleMs: config.maxStaleMs,
    onEvent: (e) => logEvent(log, e),
  });
  const list = resolvers.map(formatResolver);
  log.info({ event: 'alias-enabled', resolvers: list, failure: config.failure, system: config.resolvers.length === 0 },
    `ALIAS records answered with their targets' addresses, resolved through ${list.join(', ')}${config.resolvers.length === 0 ? ' (from /etc/resolv.conf)' : ''}`);
  return stage;
}

function logEvent(log: Logger, e: AliasEvent): void {
  const fields = { event: `alias-target-${e.kind}`, target: e.target, type: e.type, addresses: e.addresses, ttl: e.ttl, error: e.error };
  const what = `ALIAS target ${e.target} ${e.type}`;
  const addresses = e.addresses === undefined ? '' : e.addresses.length === 0 ? 'no addresses' : e.addresses.join(', ');
  switch (e.kind) {
    case 'resolved': log.debug(fields, `${what}: ${addresses} (TTL ${e.ttl})`); break;
    case 'changed': log.info(fields, `${what} now ${addresses} (TTL ${e.ttl})`); break;
    case 'recovered': log.info(fields, `${what} resolves again: ${addresses}`); break;
    case 'failed': log.warn({ ...fields, serving: e.serving }, `${what} could not be resolved (${e.error}); queries get: ${e.serving}`); break;
    case 'expired': log.warn(fields, `${what}: no usable answer left (${e.error ?? 'lookups fail'}); queries get SERVFAIL`); break;
  }
}

/** Prometheus series of the ALIAS targets (docs/metrics.md): per target and type whether queries get
 * addresses and whether they are stale; lookups by result. */
export function registerAliasMetrics(r: Registry, stage: AliasStage): void {
  const perTarget = (name: string, help: string, value: (t: { addresses: string[] | null; stale: boolean }) => number): void => {
    new Gauge({
      name, help, labelNames: ['target', 'type'] as const, registers: [r],
      collect() {
        this.reset();
        for (const t of stage.targets.status()) for (const x of t.types) this.set({ target: t.target, type: x.type }, value(x));
      },
    });
  };
  perTarget('geodesic_alias_target_up', 'ALIAS targets: 1 when queries get its addresses (fresh or stale), 0 when they get SERVFAIL',
    (x) => (x.addresses === null ? 0 : 1));
  perTarget('geodesic_alias_target_stale', 'ALIAS targets: 1 while their last good answer is served past its TTL (failure policy stale)',
    (x) => (x.stale ? 1 : 0));
  new Counter({
    name: 'geodesic_alias_lookups_total', help: 'Lookups of ALIAS targets through the resolvers, by result',
    labelNames: ['result'] as const, registers: [r],
    collect() {
      this.reset();
      this.inc({ result: 'ok' }, stage.targets.lookups - stage.targets.lookupFailures);
      this.inc({ result: 'failed' }, stage.targets.lookupFailures);
    },
  });
}

/** Longest a TCP query waits for a target's first lookup (the lookup itself is bounded by the timeouts). */
const DEFER_MAX_MS = 10_000;

/**
 * The TCP handoff handler with ALIAS deferrals in front of `next` (transfers, NOTIFY): a query for a
 * target whose first lookup is under way (a zone just loaded or written) waits for that lookup and is then
 * answered, instead of SERVFAIL; over UDP such queries get TC=1 and come back over TCP.
 */
export function aliasHandoff(engine: Engine, alias: AliasStage | undefined, next: HandoffHandler): HandoffHandler {
  if (alias === undefined) return next;
  alias.deferFirstLookups = true;
  return (message, client, reply) => {
    const wait = alias.takeDeferred();
    if (wait === null) { next(message, client, reply); return; }
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => { timer = setTimeout(resolve, DEFER_MAX_MS); });
    void Promise.race([wait, limit]).then(() => {
      clearTimeout(timer);
      if (!reply.closed) {
        // Answered now whatever the lookup's state (no second deferral): addresses, or SERVFAIL.
        alias.deferFirstLookups = false;
        let n: number;
        try {
          n = engine.answer(message, message.length, client);
        } finally {
          alias.deferFirstLookups = true;
        }
        if (n > 0 && n !== HANDOFF) reply.send(engine.output.slice(0, n));
      }
      reply.done();
    });
  };
}
