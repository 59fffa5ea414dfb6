import { buildClusterBinaries, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_SERVER_VERSION } from './temporal-cluster/binaries.js';

/**
 * `tsx stack/install-temporal-cluster.ts`: builds the Temporal server and temporal-sql-tool for the cluster profile
 * once, into `.mes/tools/temporal-server-<version>/bin`, and Temporal's Web UI server into
 * `.mes/tools/temporal-ui-server-<version>/bin`. Kept out of `servers:install` because a clean machine pays
 * about 9 minutes of Go build (2 cores); a cached binary is skipped. Prints each binary's build time in seconds.
 */
process.stdout.write(`building Temporal server ${TEMPORAL_SERVER_VERSION} and ui-server ${TEMPORAL_UI_SERVER_VERSION} (go install, nice 19); cached binaries are kept\n`);
try {
  const reports = await buildClusterBinaries((line) => process.stdout.write(`  ${line}\n`));
  for (const r of reports) {
    const size = `${Math.round(r.bytes / 1e6)} MB`;
    process.stdout.write(`${r.binary}: ${r.path} (${r.cached ? 'cached' : `built in ${r.seconds} s`}, ${size})\n`);
  }
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
