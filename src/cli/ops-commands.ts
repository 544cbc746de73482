import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerCheckDelegation } from './check-delegation-command.js';
import { currentProgram, installNotes, renderUnit, unitName } from './install-service.js';
import type { UnitOptions } from './install-service.js';
import { registerStatusCommands } from './status-command.js';
import { STDIO } from './command-io.js';
import type { CommandIo } from './command-io.js';

interface InstallFlags { user: string; config: string; unitDir: string; relay?: boolean; print?: boolean; force?: boolean; node?: string; script?: string }

export type { CommandIo };

/** Registers `geodesic check delegation`, `install-service`, `status` and `top` (call from main.ts). */
export function registerOpsCommands(program: Command, io: CommandIo = STDIO): void {
  registerStatusCommands(program, io);
  const check = program.command('check').description('check what others publish about your zones (delegation at the parent)');
  registerCheckDelegation(check, io);

  program.command('install-service')
    .description('write a hardened systemd unit for Geodesic (dedicated user, only CAP_NET_BIND_SERVICE) and explain port 53')
    .option('--user <name>', 'the system user the service runs as', 'geodesic')
    .option('-c, --config <file>', 'the configuration file the service reads', '/etc/geodesic/geodesic.yaml')
    .option('--unit-dir <dir>', 'where to write the unit', '/etc/systemd/system')
    .option('--relay', 'write geodesic-relay.service (the L4 relay) instead of geodesic.service')
    .option('--print', 'print the unit on standard output instead of writing it')
    .option('--force', 'replace an existing unit file')
    .option('--node <path>', 'node binary for ExecStart (default: this one)')
    .option('--script <path>', "Geodesic's CLI script for ExecStart (default: this one)")
    .action((flags: InstallFlags) => {
      const prog = currentProgram();
      const o: UnitOptions = {
        kind: flags.relay === true ? 'relay' : 'serve', user: flags.user, config: flags.config,
        node: flags.node ?? prog.node, script: flags.script ?? prog.script,
      };
      const unit = renderUnit(o);
      if (flags.print === true) {
        io.out(unit);
        return;
      }
      const path = join(flags.unitDir, unitName(o.kind));
      try {
        if (existsSync(path) && flags.force !== true) throw new Error(`${path} exists (pass --force to replace it, or --print to see the new one)`);
        mkdirSync(flags.unitDir, { recursive: true });
        writeFileSync(path, unit, { mode: 0o644 });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        io.err(`geodesic install-service: ${e.code === 'EACCES' ? `cannot write ${path}: run as root (sudo), or pass --unit-dir or --print` : e.message}\n`);
        process.exitCode = 1;
        return;
      }
      io.out(installNotes(o, path));
    });
}
