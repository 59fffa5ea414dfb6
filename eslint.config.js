import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    },
  },
  {
    // Workflow code is replayed: no I/O, no clocks, no Node builtins, only types from the I/O side.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.flatMap((m) => [m, `node:${m}`]),
          patterns: [
            { group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@nats-io/*', 'node-opcua*', 'drizzle-orm*', 'pg', 'zod', 'pino'] },
            // contracts/decimal.ts is pure arithmetic, shared with the ERP side so both compute quantities alike.
            { group: ['**/activities/**', '**/erp/**', '**/schema/**', '**/db/**', '**/contracts/**', '!**/contracts/decimal.js'], allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts', 'erp/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/workflows/**'] }] },
  },
  {
    // contracts/ are pure: zod only, no I/O, no env.
    files: ['contracts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', '@temporalio/*', '@nats-io/*', 'pg', 'drizzle-orm*', 'fastify*'] }] },
  },
  { files: ['**/*.js', 'scripts/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', 'scripts/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
