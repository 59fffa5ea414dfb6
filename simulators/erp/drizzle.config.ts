import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './simulators/erp/ledger-schema.ts',
  out: './simulators/erp/migrations',
  schemaFilter: ['erp_sim'],
});
