/** Renders `RelayStats` in the Prometheus text exposition format. */
import type { RelayStats } from './relay-stats.js';

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function prometheusText(s: RelayStats): string {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, rows: [Record<string, string>, number][]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of rows) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
      out.push(`${name}{${l}} ${v}`);
    }
  };
  const routes = s.listeners.flatMap((l) => Object.entries(l.routes).map(([route, c]) => ({ labels: { listener: l.name, route }, c })));
  metric('geodesic_relay_route_connections_total', 'counter', 'Connections routed.', routes.map((r) => [r.labels, r.c.connections]));
  metric('geodesic_relay_route_active_connections', 'gauge', 'Open connections.', routes.map((r) => [r.labels, r.c.active]));
  metric('geodesic_relay_route_bytes_up_total', 'counter', 'Bytes client to upstream (closed connections).', routes.map((r) => [r.labels, r.c.bytesUp]));
  metric('geodesic_relay_route_bytes_down_total', 'counter', 'Bytes upstream to client (closed connections).', routes.map((r) => [r.labels, r.c.bytesDown]));
  metric('geodesic_relay_route_errors_total', 'counter', 'Connections without a reachable upstream.', routes.map((r) => [r.labels, r.c.errors]));
  const ls = s.listeners.map((l) => ({ labels: { listener: l.name }, c: l.counters }));
  metric('geodesic_relay_listener_rejected_total', 'counter', 'Connections refused by limits or address lists.', ls.map((l) => [l.labels, l.c.rejected]));
  metric('geodesic_relay_listener_hello_timeouts_total', 'counter', 'ClientHello timeouts.', ls.map((l) => [l.labels, l.c.helloTimeouts]));
  const dg = s.listeners.flatMap((l) => (l.datagrams === undefined ? [] : [{ listener: l.name, d: l.datagrams }]));
  metric('geodesic_relay_listener_datagrams_total', 'counter', 'UDP datagrams the sessions carried in C, by direction (up: client to upstream).',
    dg.flatMap((x) => [[{ listener: x.listener, direction: 'up' }, x.d.up], [{ listener: x.listener, direction: 'down' }, x.d.down]] as [Record<string, string>, number][]));
  metric('geodesic_relay_listener_datagrams_dropped_total', 'counter', 'UDP datagrams dropped in C (socket full, too big with the PROXY header), by direction.',
    dg.flatMap((x) => [[{ listener: x.listener, direction: 'up' }, x.d.upDropped], [{ listener: x.listener, direction: 'down' }, x.d.downDropped]] as [Record<string, string>, number][]));
  const ups = s.pools.flatMap((p) => p.upstreams.map((u) => ({ labels: { pool: p.name, upstream: u.address }, u })));
  metric('geodesic_relay_upstream_up', 'gauge', '1 when the upstream takes connections.', ups.map((x) => [x.labels, x.u.healthy ? 1 : 0]));
  metric('geodesic_relay_upstream_active_connections', 'gauge', 'Open upstream connections.', ups.map((x) => [x.labels, x.u.active]));
  metric('geodesic_relay_upstream_connections_total', 'counter', 'Successful upstream connects.', ups.map((x) => [x.labels, x.u.connections]));
  metric('geodesic_relay_upstream_failures_total', 'counter', 'Failed upstream connects.', ups.map((x) => [x.labels, x.u.failures]));
  return out.join('\n') + '\n';
}
