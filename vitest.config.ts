import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          // Each file starts its own servers; on 2 cores one file at a time keeps timings honest.
          fileParallelism: false,
        },
      },
      {
        // `npm run test:long` (CI runs it after `npm test`): volumes and fault runs that take minutes on a busy machine.
        test: {
          name: 'long',
          include: ['test/long/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        // `npx vitest run --project cluster`: the cluster profile, Temporal's (its server built once by
        // `npx tsx stack/install-temporal-cluster.ts`; schema set-up and five server processes make it slow to start)
        // and the three-node NATS cluster's (nats-server only).
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 420_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
