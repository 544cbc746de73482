import type { Command } from 'commander';
import { Resolver } from 'node:dns/promises';
import { nameFromText, nameToText, nameParent, nameLabelCount } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { checkDelegation } from './check-delegation.js';
import type { DelegationReport } from './check-delegation.js';
import { parseServer } from './check-delegation-client.js';
import type { ServerAddress } from './check-delegation-client.js';

interface Flags { parentServer?: string; server: string; json?: boolean; timeout: string }

/** Finds a server of the zone above `zone` through the system resolver (walking up to a zone cut). */
export async function findParentServer(zone: Name): Promise<ServerAddress> {
  const r = new Resolver({ timeout: 3000, tries: 2 });
  for (let p = nameParent(zone); nameLabelCount(p) >= 0; p = nameParent(p)) {
    const name = nameToText(p);
    const ns = await r.resolveNs(name === '.' ? '' : name.replace(/\.$/, '')).catch(() => [] as string[]);
    if (ns.length > 0) {
      const host = ns.sort()[0]!;
      const [address] = await r.resolve4(host).catch(() => r.resolve6(host));
      if (address === undefined) throw new Error(`no address for ${host}, a name server of ${name}`);
      return { host: address, port: 53 };
    }
    if (nameLabelCount(p) === 0) break;
  }
  throw new Error(`could not find the name servers of the zone above ${nameToText(zone)} (pass --parent-server)`);
}

export function formatReport(r: DelegationReport): string {
  const lines = [`Delegation of ${r.zone} (parent asked: ${r.parentServer})`,
    `  name servers at the parent: ${r.parentNs.join(', ') || '(none)'}`,
    `  name servers in the zone:   ${r.childNs.join(', ') || '(none)'}`, ''];
  for (const f of r.findings) lines.push(`${f.severity === 'ok' ? 'ok' : f.severity.toUpperCase()} [${f.code}] ${f.message}`);
  return `${lines.join('\n')}\n`;
}

/** `geodesic check delegation ZONE`. */
export function registerCheckDelegation(check: Command, io: { out(t: string): void; err(t: string): void }): void {
  check.command('delegation')
    .argument('<zone>', 'the zone, e.g. example.com')
    .description('compare the NS, glue and DS records the parent zone publishes with what Geodesic serves, and say what to fix at the registrar')
    .option('--parent-server <addr[:port]>', 'ask this server of the parent zone (default: found through the system resolver)')
    .option('--server <addr[:port]>', 'the Geodesic server that serves the zone', '127.0.0.1:53')
    .option('--timeout <ms>', 'per question', '3000')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', `
Examples:
  geodesic check delegation example.com                      # parent found through the system resolver
  geodesic check delegation home.example --parent-server 127.0.0.1:5301 --server 127.0.0.1:5300

Exit status: 0 when nothing must be fixed (a missing DS is a warning), 1 on errors, 2 when the check
could not run.`)
    .action(async (zoneText: string, flags: Flags) => {
      try {
        const zone = nameFromText(zoneText.endsWith('.') ? zoneText : `${zoneText}.`);
        const parent = flags.parentServer !== undefined ? parseServer(flags.parentServer) : await findParentServer(zone);
        const report = await checkDelegation({ zone, parent, child: parseServer(flags.server), timeoutMs: Number(flags.timeout) });
        io.out(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
        process.exitCode = report.findings.some((f) => f.severity === 'error') ? 1 : 0;
      } catch (err) {
        io.err(`geodesic check delegation: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
