import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layering of ../shared/style.md §2, as lint: each folder lists what it must never import. One list per folder,
 * because flat config replaces a rule's options when two blocks set the same rule on one file (it never merges them).
 */
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
  contracts: [{ group: ['node:*', '@temporalio/*', ...io, ...aboveCore, ...folders('api', 'bridge', 'edge', 'erp', 'activities', 'workflows', 'db', 'schema', 'services', 'jetstream', 'http')] }],
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
  seed: [{ group: ['drizzle-orm*', 'pg', ...aboveCore.filter((f) => f !== '**/stack/**')] }],
  // Workflow code is replayed: no I/O, no clocks, no Node builtins, only types from the I/O side.
  workflows: [
    { group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@nats-io/*', 'node-opcua*', 'drizzle-orm*', 'pg', 'zod', 'pino', ...aboveCore] },
    // contracts/decimal.ts is pure arithmetic, shared with the ERP side so both compute quantities alike.
    { group: [...folders('activities', 'erp', 'schema', 'db', 'contracts', 'api', 'bridge', 'services'), '!**/contracts/decimal.js'], allowTypeImports: true },
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
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read the environment in a workers/*.ts entrypoint and pass the parsed settings down' }],
    },
  },
  ...fenceBlocks,
  {
    // The edge process reads the plant file without loading drizzle or a database client.
    files: ['workers/edge-gateway.ts', 'workers/opcua-line-sim.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['drizzle-orm*', 'pg', ...folders('db', 'schema', 'api', 'bridge', 'activities', 'workflows', 'erp')] }] }] },
  },
  {
    // Entrypoints, tests, benches and scripts are where the environment is read. stack/binaries.ts looks server
    // binaries up by their documented variables and PATH, the same way for npm start, the tests and the benches.
    files: ['workers/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**', 'stack/binaries.ts', '*.config.ts', '*.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
  { files: ['**/*.js', 'scripts/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', 'scripts/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
