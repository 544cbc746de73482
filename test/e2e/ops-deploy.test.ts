import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { DaemonSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { configFromObject } from '../../src/config/index.js';
import { relayOptionsFromConfig } from '../../src/relay/index.js';
import { DnsMetrics } from '../../src/cli/metrics.js';

const deploy = fileURLToPath(new URL('../../deploy/', import.meta.url));
const k8s = join(deploy, 'k8s');

type Model = { validate(): void };
const MODELS: Record<string, (o: Record<string, unknown>) => Model> = {
  'apps/v1/StatefulSet': (o) => new StatefulSet(o as never),
  'apps/v1/DaemonSet': (o) => new DaemonSet(o as never),
  'v1/Service': (o) => new Service(o as never),
  'v1/ConfigMap': (o) => new ConfigMap(o as never),
  'v1/Namespace': (o) => new Namespace(o as never),
};

function manifests(): Array<{ file: string; obj: Record<string, unknown> }> {
  const out: Array<{ file: string; obj: Record<string, unknown> }> = [];
  for (const file of readdirSync(k8s).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    for (const doc of parseAllDocuments(readFileSync(join(k8s, file), 'utf8'))) {
      assert.equal(doc.errors.length, 0, `${file}: ${doc.errors.join('; ')}`);
      out.push({ file, obj: doc.toJS() as Record<string, unknown> });
    }
  }
  return out;
}

test('deploy/k8s: every manifest validates against the Kubernetes schemas', () => {
  const all = manifests();
  const kinds = all.map(({ obj }) => obj['kind']).sort();
  assert.deepEqual(kinds, ['ConfigMap', 'ConfigMap', 'DaemonSet', 'Namespace', 'Service', 'Service', 'Service', 'StatefulSet']);
  for (const { file, obj } of all) {
    const make = MODELS[`${String(obj['apiVersion'])}/${String(obj['kind'])}`];
    assert.ok(make, `${file}: no schema for ${String(obj['apiVersion'])} ${String(obj['kind'])}`);
    assert.doesNotThrow(() => make(obj).validate(), `${file}: ${String(obj['kind'])}`);
  }
  const kust = parse(readFileSync(join(k8s, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  assert.deepEqual([...kust.resources].sort(), readdirSync(k8s).filter((f) => f !== 'kustomization.yaml').sort());
});

test('deploy/k8s: the validation catches a broken manifest', () => {
  const sts = manifests().find(({ obj }) => obj['kind'] === 'StatefulSet')!.obj;
  const broken = structuredClone(sts) as { spec: { replicas: unknown } };
  broken.spec.replicas = 'two';
  assert.throws(() => new StatefulSet(broken as never).validate());
});

test('deploy/k8s: the configurations in the ConfigMaps load', () => {
  const maps = manifests().filter(({ obj }) => obj['kind'] === 'ConfigMap').map(({ obj }) => obj['data'] as Record<string, string>);
  const server = maps.find((d) => 'geodesic.yaml' in d)!;
  const config = configFromObject(parse(server['geodesic.yaml']!) as Record<string, unknown>, 'geodesic.yaml', '/etc/geodesic');
  assert.deepEqual(config.listen.map((l) => l.port), [5300, 5300]);
  const relay = maps.find((d) => 'relay.yaml' in d)!;
  const opts = relayOptionsFromConfig((parse(relay['relay.yaml']!) as { relay: unknown }).relay);
  assert.ok(opts);
});

test('deploy/grafana: every metric the dashboard queries is one Geodesic exports', async () => {
  const dash = JSON.parse(readFileSync(join(deploy, 'grafana', 'geodesic-dns.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
  const m = new DnsMetrics({ zones: () => 0, udp: () => [], answerCaches: () => [], rrl: () => ({ dropped: 0, slipped: 0 }) });
  // What /metrics serves: every family has a "# TYPE name type" line.
  const exported = new Set([...(await m.scrape()).matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1]!));
  const used = new Set<string>();
  for (const p of dash.panels) for (const t of p.targets) for (const name of t.expr.match(/\b(?:geodesic|process)_[a-z_]+/g) ?? []) used.add(name);
  assert.ok(used.size > 10);
  for (const name of used) {
    const base = name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(exported.has(name) || exported.has(base), `dashboard uses ${name}, which is not exported`);
  }
});

test('deploy/systemd: the shipped unit is the one install-service writes', async () => {
  const { renderUnit } = await import('../../src/cli/install-service.js');
  const shipped = readFileSync(join(deploy, 'systemd', 'geodesic.service'), 'utf8');
  assert.equal(shipped, renderUnit({ kind: 'serve', user: 'geodesic', config: '/etc/geodesic/geodesic.yaml', node: '/usr/bin/node', script: '/usr/lib/node_modules/geodesic/dist/cli/main.js' }));
});
