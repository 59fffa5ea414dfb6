import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layering of ../shared/style.md §2, as lint: each folder lists what it must never import. One list per folder,
 * because flat config replaces a rule's options when two blocks set the same rule on one file (it never merges them).
 */
const envMessage = 'read the environment in a workers/*.ts entrypoint and pass the parsed settings down';
const folders = (...names) => names.map((n) => `**/${n}/**`);
// Processes, tooling and simulators sit above the product's code: nothing in the core reaches up to them.
const aboveCore = folders('workers', 'stack', 'simulators', 'bench', 'test', 'scripts');
const io = ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@nats-io/*', 'node-opcua*', 'drizzle-orm*', 'pg', 'fastify*'];
// Clients of workflows (api, bridge, services) use their message definitions and search attributes as values, and
// the workflow functions as types only (for typed starts), never the workflow code itself.
const workflowClient = [
  { group: ['**/workflows/**', '!**/workflows/definitions.js', '!**/workflows/search-attributes.js'], allowTypeImports: true },
];
const fences = {
  // Pure contracts: zod only, no I/O, no env, nothing of the project but other contracts.
  contracts: [{ group: ['node:*', ...builtinModules, '@temporalio/*', ...io, ...aboveCore, ...folders('api', 'bridge', 'edge', 'erp', 'activities', 'workflows', 'db', 'schema', 'services', 'jetstream', 'http', 'shifts', 'oee', 'quality')] }],
  // Shift arithmetic is called per event by the bridge and later from workflow code: Intl only, no zod, no I/O; of
  // the contracts, types and the zod-free shift-time.ts.
  shifts: [
    { group: ['node:*', ...builtinModules, '@temporalio/*', ...io, 'zod', ...aboveCore, ...folders('api', 'bridge', 'edge', 'erp', 'activities', 'workflows', 'db', 'schema', 'services', 'jetstream', 'http')] },
    { group: ['**/contracts/**', '!**/contracts/shift-time.js'], allowTypeImports: true },
  ],
  // Downtime classification and OEE run inside the shift workflow: as pure as shifts/ (types from contracts, and the
  // zod-free arithmetic and defaults).
  oee: [
    { group: ['node:*', ...builtinModules, '@temporalio/*', ...io, 'zod', ...aboveCore, ...folders('api', 'bridge', 'edge', 'erp', 'activities', 'workflows', 'db', 'schema', 'services', 'jetstream', 'http')] },
    { group: ['**/contracts/**', '!**/contracts/decimal.js', '!**/contracts/downtime-report.js', '!**/contracts/packml.js'], allowTypeImports: true },
  ],
  // Spec checks and SPC run rules run inside the work-order workflow: pure (simple-statistics for mean and sd), types
  // from contracts only.
  quality: [
    { group: ['node:*', ...builtinModules, '@temporalio/*', ...io, 'zod', ...aboveCore, ...folders('api', 'bridge', 'edge', 'erp', 'activities', 'workflows', 'db', 'schema', 'services', 'jetstream', 'http')] },
    { group: ['**/contracts/**'], allowTypeImports: true },
  ],
  // The ERP port and adapters know nothing of Temporal (retries and idempotency keys come in as plain values).
  erp: [{ group: ['@temporalio/*', ...aboveCore, ...folders('workflows', 'activities', 'api', 'bridge', 'edge', 'services', 'db', 'schema')] }],
  activities: [{ group: [...aboveCore, ...folders('workflows', 'api', 'bridge', 'edge')] }],
  // api/ and bridge/ are two processes' adapters; what both need is an application service in services/.
  api: [{ group: [...aboveCore, ...folders('bridge', 'edge', 'activities')] }, ...workflowClient],
  bridge: [{ group: [...aboveCore, ...folders('api', 'edge', 'activities')] }, ...workflowClient],
  services: [{ group: [...aboveCore, ...folders('api', 'bridge', 'edge', 'activities')] }, ...workflowClient],
  // The edge runs next to the machines: no database, no Temporal, no ERP.
  edge: [{ group: ['@temporalio/*', 'drizzle-orm*', 'pg', ...aboveCore, ...folders('api', 'bridge', 'erp', 'activities', 'workflows', 'db', 'schema', 'services')] }],
  db: [{ group: [...aboveCore, ...folders('api', 'bridge', 'edge', 'activities', 'workflows', 'services')] }],
  schema: [{ group: ['drizzle-orm/node-postgres', 'pg', ...aboveCore, ...folders('api', 'bridge', 'edge', 'activities', 'workflows', 'db', 'services', 'erp')] }],
  jetstream: [{ group: [...aboveCore, ...folders('api', 'bridge', 'edge', 'activities', 'workflows', 'db', 'services', 'erp')] }],
  http: [{ group: [...aboveCore, ...folders('api', 'bridge', 'edge', 'activities', 'workflows', 'db', 'services', 'erp')] }],
  // The plant file's reader is loaded by the edge process: no database, no Temporal, nothing of the engine.
  seed: [{ group: ['drizzle-orm*', 'pg', '@temporalio/*', ...aboveCore, ...folders('api', 'bridge', 'edge', 'erp', 'activities', 'workflows', 'db', 'schema', 'services', 'jetstream')] }],
  // Tracing setup is loaded by every process, the edge gateway's included: the OpenTelemetry SDK only.
  observability: [{ group: ['@temporalio/*', ...io, ...aboveCore, ...folders('api', 'bridge', 'edge', 'erp', 'activities', 'workflows', 'db', 'schema', 'services', 'jetstream', 'http')] }],
  // Workflow code is replayed: no I/O, no clocks, no Node builtins, only types from the I/O side.
  workflows: [
    { group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@nats-io/*', 'node-opcua*', 'drizzle-orm*', 'pg', 'zod', 'pino', ...aboveCore] },
    // contracts/decimal.ts, plant-date.ts and shift-time.ts are pure arithmetic, shared with the ERP side and the
    // calendar's schema so both compute quantities, posting dates and shift times alike; ids.ts builds the workflow
    // ids a shift hands over to, as the bridge builds them; finished-batch.ts names the order's batch, as the db records it.
    { group: [...folders('activities', 'erp', 'schema', 'db', 'contracts', 'api', 'bridge', 'services'), '!**/contracts/decimal.js', '!**/contracts/plant-date.js', '!**/contracts/shift-time.js', '!**/contracts/ids.js', '!**/contracts/downtime-report.js', '!**/contracts/finished-batch.js'], allowTypeImports: true },
  ],
};
const fenceBlocks = Object.entries(fences).map(([folder, patterns]) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { ...(folder === 'workflows' ? { paths: builtinModules.flatMap((m) => [m, `node:${m}`]) } : {}), patterns },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/', '.mes/', 'scratch/', 'schema/migrations/', 'simulators/erp/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs'] } } },
    rules: {
      // A forgotten await on an activity, a publish or an ack is a lost event.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Settings are read once, in a process's entrypoint, and parsed with a schema there (workers/wiring/config.ts).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: envMessage }],
      'no-restricted-imports': ['error', { paths: ['process', 'node:process'].map((name) => ({ name, importNames: ['env'], message: envMessage })) }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='env'][object.property.name='process']", message: envMessage },
        // A dynamic import is a dependency the layering rules above cannot see.
        { selector: 'ImportExpression', message: 'import statically, so the layering rules see the dependency' },
      ],
    },
  },
  ...fenceBlocks,
  {
    // The edge process (and the OPC UA simulator) read the plant file without drizzle, a database client or
    // Temporal. Lint sees direct imports only; test/unit/lint/edge-process.test.ts follows them to the end.
    files: ['workers/edge-gateway.ts', 'workers/opcua-line-sim.ts', 'workers/wiring/edge-config.ts', 'workers/wiring/edge-demo.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['drizzle-orm*', 'pg', '@temporalio/*', ...folders('db', 'schema', 'api', 'bridge', 'activities', 'workflows', 'erp', 'services')], allowTypeImports: true }] },
      ],
    },
  },
  {
    // Entrypoints, tests, benches and scripts are where the environment is read. stack/binaries.ts looks server
    // binaries up by their documented variables and PATH, the same way for npm start, the tests and the benches;
    // the cluster profile's build and schema tool hand the environment on to `go` and temporal-sql-tool, and the
    // compose check to `go` and `docker compose`.
    files: ['workers/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'soak/run.ts', 'soak/sap-double.ts', 'scripts/**', 'stack/binaries.ts',
      'stack/temporal-cluster/binaries.ts', 'stack/temporal-cluster/schema.ts', 'stack/compose-binary.ts', 'stack/check-compose.ts', '*.config.ts', '*.config.js'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },
  { files: ['**/*.js', 'scripts/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', 'scripts/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  // The supervisor page's modules run in the browser (served as they are, no build step: docs/supervisor-page.md).
  { files: ['ui/**/*.js'], languageOptions: { globals: Object.fromEntries(['document', 'fetch', 'EventSource', 'sessionStorage', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map((g) => [g, 'readonly'])) } },
);
