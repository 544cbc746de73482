// Module boundaries of Geodesic (ARCHITECTURE.md). Each src/<module>/ may import only the modules
// listed for it here, and only through their index.ts.
const allowed = {
  lib: [],
  wire: ['lib'],
  zone: ['wire', 'lib'],
  health: ['lib'],
  geo: ['health', 'zone', 'wire', 'lib'],
  alias: ['zone', 'wire', 'lib'],
  dnssec: ['zone', 'wire', 'lib'],
  engine: ['zone', 'geo', 'dnssec', 'alias', 'health', 'wire', 'lib'],
  net: ['engine', 'wire', 'lib', 'native'],
  store: ['zone', 'wire', 'lib'],
  catalog: ['store', 'zone', 'dnssec', 'wire', 'lib'],
  xfr: ['catalog', 'store', 'engine', 'zone', 'dnssec', 'wire', 'lib'],
  api: ['catalog', 'store', 'zone', 'dnssec', 'geo', 'health', 'wire', 'lib'],
  update: ['api', 'xfr', 'catalog', 'zone', 'wire', 'lib'],
  relay: ['lib', 'native'],
  native: [],
  config: ['lib'],
};
const modules = Object.keys(allowed);
const layerRules = modules.map((m) => ({
  name: `only-allowed-from-${m}`,
  comment: `src/${m} may import only: ${allowed[m].join(', ') || 'nothing'} (ARCHITECTURE.md)`,
  severity: 'error',
  from: { path: `^src/${m}/` },
  to: { path: `^src/(?!(?:${[m, ...allowed[m]].join('|')})/)[^/]+/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'through-index-only',
      comment: 'another module is imported only through its index.ts',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'pure-codec',
      comment: 'wire/ and relay/sni.ts do no I/O',
      severity: 'error',
      from: { path: '^src/wire/|^src/relay/sni\\.ts$' },
      to: { path: '^(node:)?(net|dgram|fs|fs/promises)$', dependencyTypes: ['core'] },
    },
    {
      name: 'config-only-in-cli',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|config)/' },
      to: { path: '^src/config/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|/testdata/|^src/ui/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
