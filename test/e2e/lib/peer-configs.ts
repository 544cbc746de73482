/** Config files for the peers the differential test compares with (NSD, Knot), all paths in a temp dir. */

export function nsdConfig(dir: string, zoneDir: string, hosts: string[], port: number, zones: string[]): string {
  const zoneBlocks = zones.map((z) => `zone:\n  name: "${z}"\n  zonefile: "${z}.zone"\n  provide-xfr: 127.0.0.1 NOKEY\n`);
  return `server:
${hosts.map((h) => `  ip-address: ${h}\n`).join('')}  port: ${port}
  zonesdir: "${zoneDir}"
  database: ""
  username: ""
  chroot: ""
  pidfile: "${dir}/nsd.pid"
  xfrdfile: "${dir}/xfrd.state"
  xfrdir: "${dir}"
  zonelistfile: "${dir}/zone.list"
  logfile: "${dir}/nsd.log"
  server-count: 1
  rrl-ratelimit: 0
  hide-version: yes
  hide-identity: yes
  minimal-responses: yes
  verbosity: 1
remote-control:
  control-enable: no
${zoneBlocks.join('')}`;
}

export function knotConfig(dir: string, zoneDir: string, hosts: string[], port: number, zones: string[]): string {
  return `server:
  rundir: "${dir}"
  listen: [${hosts.map((h) => `${h}@${port}`).join(', ')}]
  identity: ""
  version: ""
log:
  - target: stderr
    any: warning
database:
  storage: "${dir}/db"
acl:
  - id: xfr
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "${zoneDir}"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
${zones.map((z) => `  - domain: ${z}\n    acl: xfr\n`).join('')}`;
}

/** PowerDNS (bind backend) for the zones given as [name, file] pairs; LUA records and ALIAS expansion off. */
export function pdnsConfig(dir: string, hosts: string[], port: number): string {
  return `launch=bind
bind-config=${dir}/named.conf
local-address=${hosts.join(', ')}
local-port=${port}
socket-dir=${dir}
daemon=no
guardian=no
disable-syslog=yes
loglevel=3
enable-lua-records=no
expand-alias=no
`;
}

export function pdnsNamedConf(zones: [string, string][]): string {
  return zones.map(([name, file]) => `zone "${name}" { type master; file "${file}"; };\n`).join('');
}
