/** Benchmark entry: the relay CLI alone, compiled by bench/relay.sh (no tsx loader in the process). */
import { Command } from 'commander';
import { registerRelayCommand } from '../../src/cli/relay.js';

const program = new Command().name('geodesic');
registerRelayCommand(program);
await program.parseAsync(process.argv);
