/**
 * The import rules of docs/architecture.md, enforced on every `npm test` (`npm run lint`).
 * Feature folders: database, realtime, storage, functions, auth.
 */
const FEATURES = '(database|realtime|storage|functions|auth|native)'

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'rule 8: no circular imports', from: {}, to: { circular: true } },
    {
      name: 'internal-is-a-leaf',
      severity: 'error',
      comment: 'rule 1: src/internal imports nothing else in the repo',
      from: { path: '^src/internal/' },
      to: { path: '^(src|adapters|emulator)/', pathNot: '^src/internal/' },
    },
    {
      name: 'protocol-imports-internal-only',
      severity: 'error',
      comment: 'rule 1: src/protocol imports only src/internal',
      from: { path: '^src/protocol/' },
      to: { path: '^(src|adapters|emulator)/', pathNot: '^src/(protocol|internal)/' },
    },
    {
      name: 'core-imports-downward',
      severity: 'error',
      comment: 'rule 2: src/core imports internal, protocol and platform.ts',
      from: { path: '^src/core/' },
      to: { path: '^(src|adapters|emulator)/', pathNot: '^src/(core|protocol|internal)/|^src/platform\\.ts$' },
    },
    {
      name: 'features-do-not-import-each-other',
      severity: 'error',
      comment: 'rule 3: a feature folder imports core, protocol, internal, platform.ts and itself only',
      from: { path: `^src/${FEATURES}/` },
      to: { path: '^(src|adapters|emulator)/', pathNot: ['^src/$1/', '^src/(core|protocol|internal)/', '^src/platform\\.ts$'] },
    },
    {
      name: 'src-has-no-runtime-dependencies',
      severity: 'error',
      comment: 'rule 4: nothing in src/ imports node:* or an npm package (it ships to mini programs)',
      from: { path: '^src/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'unknown'] },
    },
    {
      name: 'adapters-use-the-public-surface',
      severity: 'error',
      comment: 'rule 5: adapters import src/index.ts, src/platform.ts, adapters/shared and their own folder',
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^(src|adapters|emulator)/', pathNot: ['^src/index\\.ts$', '^src/platform\\.ts$', '^adapters/shared/', '^adapters/$1/'] },
    },
    {
      name: 'emulator-is-independent',
      severity: 'error',
      comment: 'rule 6: the emulator imports src/protocol and src/internal only from the SDK',
      from: { path: '^emulator/' },
      to: { path: '^(src|adapters)/', pathNot: '^src/(protocol|internal)/' },
    },
    {
      name: 'emulator-pipeline-is-the-bottom',
      severity: 'error',
      comment: 'docs/architecture.md: emulator/pipeline (principals, events, the dispatcher) imports only emulator/errors.ts',
      from: { path: '^emulator/pipeline/' },
      to: { path: '^(src|adapters|emulator)/', pathNot: ['^emulator/pipeline/', '^emulator/errors\\.ts$'] },
    },
    {
      name: 'emulator-engine-below-services',
      severity: 'error',
      comment: 'docs/architecture.md: emulator/query and emulator/store know no service, no transport',
      from: { path: '^emulator/(query|store)/' },
      to: { path: '^emulator/', pathNot: ['^emulator/(query|store)/', '^emulator/pipeline/(principal|rule-checks)\\.ts$', '^emulator/errors\\.ts$'] },
    },
    {
      name: 'emulator-rules-are-pure',
      severity: 'error',
      comment: 'docs/architecture.md: emulator/rules (the security rule language) knows no service, no store, no transport; it may use query/',
      from: { path: '^emulator/rules/' },
      to: { path: '^emulator/', pathNot: ['^emulator/(rules|query)/', '^emulator/pipeline/(principal|rule-checks)\\.ts$', '^emulator/errors\\.ts$'] },
    },
    {
      name: 'emulator-transport-knows-no-service',
      severity: 'error',
      comment: 'docs/architecture.md: emulator/http hands requests to the pipeline and never imports a service',
      from: { path: '^emulator/http/' },
      to: { path: '^emulator/', pathNot: ['^emulator/(http|pipeline)/', '^emulator/errors\\.ts$'] },
    },
    {
      name: 'emulator-services-do-not-import-each-other',
      severity: 'error',
      comment: 'docs/architecture.md: a service imports the pipeline, the store, the query engine and itself; index.ts composes them',
      from: { path: '^emulator/(auth|database|realtime|storage|functions|openapi|gateway|http-access|logs)/' },
      to: { path: '^emulator/', pathNot: ['^emulator/$1/', '^emulator/(pipeline|store|query)/', '^emulator/errors\\.ts$'] },
    },
    {
      name: 'emulator-triggers-are-a-service',
      severity: 'error',
      comment: 'docs/architecture.md: timer triggers are a service: index.ts hands them the way to run a function and to read its config.json',
      from: { path: '^emulator/triggers/' },
      to: { path: '^emulator/', pathNot: ['^emulator/triggers/', '^emulator/(pipeline|store|query)/', '^emulator/errors\\.ts$'] },
    },
    {
      name: 'nobody-imports-the-emulator',
      severity: 'error',
      comment: 'rule 6: neither src/ nor adapters/ imports emulator/',
      from: { path: '^(src|adapters)/' },
      to: { path: '^emulator/' },
    },
    {
      name: 'testing-uses-the-public-entries',
      severity: 'error',
      comment: 'docs/architecture.md: mpcloud/testing is a user of mpcloud/node and mpcloud/emulator, through their entries only',
      from: { path: '^testing/' },
      to: { path: '^(src|adapters|emulator)/', pathNot: ['^adapters/node/index\\.ts$', '^emulator/index\\.ts$'] },
    },
    {
      name: 'nobody-imports-testing',
      severity: 'error',
      comment: 'mpcloud/testing sits on top: nothing else imports it',
      from: { path: '^(src|adapters|emulator)/' },
      to: { path: '^testing/' },
    },
    {
      name: 'only-cloud-ts-wires-features',
      severity: 'error',
      comment: 'rule 3/5: only src/cloud.ts and src/index.ts import feature folders from outside them',
      from: { path: '^src/', pathNot: [`^src/${FEATURES}/`, '^src/(cloud|index)\\.ts$'] },
      to: { path: `^src/${FEATURES}/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
}
