#!/usr/bin/env node
import { Command } from 'commander';
import { registerServeCommands } from './serve-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerRelayCommand } from './relay.js';
import { registerZoneCommands } from './zone-check.js';
import { registerZoneAdminCommands } from './zone-admin-command.js';
import { registerDnssecCommands } from './dnssec-command.js';
import { registerGeoCommands } from './geo-whatif.js';
import { registerEndpointCommands } from './endpoint-command.js';
import { registerOpsCommands } from './ops-commands.js';
import { registerStoreCommands } from './store-backup.js';
import { registerMigrateCommand } from './migrate-command.js';
import { VERSION } from './version.js';

const program = new Command();
program
  .name('geodesic')
  .description('Authoritative GeoDNS nameserver and L4 edge relay, for people who serve sites from home')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', `
Start here:
  geodesic demo                       serve a demo zone on 127.0.0.1:5300 (what "npm start" runs)
  geodesic serve --zones ./zones      serve every NAME.zone in ./zones
  geodesic zone check example.com.zone
  geodesic relay --listen 0.0.0.0:443 --route 'www.example.com=10.0.0.5:443' --default 10.0.0.6:443

Every command has --help. Documentation: docs/ in the package (configuration, operations, architecture).`);

registerServeCommands(program);
registerZoneCommands(program);
registerZoneAdminCommands(program);
registerDnssecCommands(program);
registerGeoCommands(program);
registerEndpointCommands(program);
registerStoreCommands(program);
registerMigrateCommand(program);
registerOpsCommands(program);
registerDemoCommand(program);
registerRelayCommand(program);

await program.parseAsync(process.argv);
