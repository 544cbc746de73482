import { realpathSync } from 'node:fs';

export interface UnitOptions {
  /** `serve` (the nameserver) or `relay` (the L4 edge relay). */
  kind: 'serve' | 'relay';
  /** The dedicated system user (and group) the service runs as. */
  user: string;
  /** The YAML configuration file. */
  config: string;
  /** The node binary and Geodesic's CLI script (default: the ones running now). */
  node: string;
  script: string;
}

/** The node binary and CLI script of this process, with symlinks resolved (what ExecStart should run). */
export function currentProgram(): { node: string; script: string } {
  const script = process.argv[1] ?? 'geodesic';
  let real = script;
  try { real = realpathSync(script); } catch { /* keep as given */ }
  return { node: process.execPath, script: real };
}

export function unitName(kind: UnitOptions['kind']): string {
  return kind === 'serve' ? 'geodesic.service' : 'geodesic-relay.service';
}

const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `"${s.replace(/(["\\])/g, '\\$1')}"`);

/**
 * A hardened systemd unit: a dedicated user, only CAP_NET_BIND_SERVICE (ports 53 and 443 without root),
 * a read-only system, private /tmp and devices, the syscalls of an ordinary service. State (SQLite data)
 * lives in /var/lib/geodesic, logs (the query log) in /var/log/geodesic, the PID file in /run/geodesic.
 */
export function renderUnit(o: UnitOptions): string {
  const serve = o.kind === 'serve';
  const exec = [o.node, o.script, o.kind, '--config', o.config, ...(serve ? ['--pid-file', '/run/geodesic/geodesic.pid'] : [])].map(quote).join(' ');
  return `# Written by "geodesic install-service"${serve ? '' : ' --relay'}. Edit with "systemctl edit ${unitName(o.kind)}".
[Unit]
Description=${serve ? 'Geodesic authoritative GeoDNS nameserver' : 'Geodesic L4 edge relay'}
Documentation=man:systemd.exec(5)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${o.user}
Group=${o.user}
ExecStart=${exec}
${serve ? 'ExecReload=/bin/kill -HUP $MAINPID\n' : ''}Restart=on-failure
RestartSec=2s
TimeoutStopSec=10s
RuntimeDirectory=geodesic${serve ? '' : '-relay'}
StateDirectory=geodesic
LogsDirectory=geodesic
ConfigurationDirectory=geodesic
UMask=0027
LimitNOFILE=65536

# Ports below 1024 (53, 443) without root, and no other privilege.
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes

# Hardening. MemoryDenyWriteExecute is left off: the V8 JIT needs writable code pages.
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
`;
}

/** What to do next, in plain words: the user, the config, port 53 and systemd-resolved. */
export function installNotes(o: UnitOptions, path: string): string {
  const name = unitName(o.kind);
  return `Wrote ${path}.

Next steps (as root):
  useradd --system --home-dir /var/lib/geodesic --shell /usr/sbin/nologin ${o.user}   # once
  install -d -m 0750 -o root -g ${o.user} /etc/geodesic && edit ${o.config}
  systemctl daemon-reload && systemctl enable --now ${name}
  journalctl -u ${name} -f                                # its log
${o.kind === 'serve' ? `  systemctl reload ${name}                                  # reload zones (SIGHUP)
` : ''}
Port 53: the unit grants CAP_NET_BIND_SERVICE, so Geodesic binds port 53 (and 443) as ${o.user}, not root.
systemd-resolved: on most distributions its stub resolver holds 127.0.0.53:53 (and 127.0.0.54:53), so
listening on 0.0.0.0:53 fails with "address in use". Either list your public addresses in "listen:"
(e.g. 192.0.2.53:53 and [2001:db8::53]:53), which never conflicts, or turn the stub off:
  mkdir -p /etc/systemd/resolved.conf.d
  printf '[Resolve]\\nDNSStubListener=no\\n' > /etc/systemd/resolved.conf.d/geodesic.conf
  systemctl restart systemd-resolved
Geodesic is authoritative only: this machine still needs a resolver for its own lookups.
`;
}
