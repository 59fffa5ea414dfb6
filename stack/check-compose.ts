import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { findServerBinary, HADOLINT } from './binaries.js';
import { findOrBuildCompose } from './compose-binary.js';
import { projectRoot } from './paths.js';

const run = promisify(execFile);

/**
 * `npm run compose:check`: what can be checked of docker-compose.yml and the Dockerfile without a Docker engine.
 * `docker compose config` loads and validates the file against the Compose specification with every secret set to
 * a placeholder, and must refuse it with one left out (secrets are required from outside the file); hadolint lints
 * the Dockerfile. Exits non-zero naming what failed.
 */
const log = (line: string) => process.stdout.write(`${line}\n`);
const compose = await findOrBuildCompose(log);
// deploy/env.example lists the secrets as `NAME=` lines.
const secrets = [...(await readFile(path.join(projectRoot, 'deploy', 'env.example'), 'utf8')).matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
const placeholders = Object.fromEntries(secrets.map((k) => [k, `placeholder-${k.toLowerCase()}-0123456789`]));
const config = (env: Record<string, string>) =>
  run(compose, ['-f', path.join(projectRoot, 'docker-compose.yml'), 'config', '--quiet'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });

let failed = false;
try {
  await config(placeholders);
  log(`docker compose config: valid (${secrets.length} secrets from the environment: ${secrets.join(', ')})`);
} catch (err) {
  failed = true;
  log(`docker compose config: INVALID\n${(err as { stderr?: string }).stderr ?? String(err)}`);
}
for (const missing of secrets) {
  const rest = Object.fromEntries(Object.entries(placeholders).filter(([k]) => k !== missing));
  const refused = await config(rest).then(() => false, () => true);
  if (!refused) {
    failed = true;
    log(`docker compose config: accepted the file without ${missing}; every secret must be required`);
  }
}
const hadolint = await findServerBinary(HADOLINT);
try {
  await run(hadolint.path, [path.join(projectRoot, 'Dockerfile')]);
  log(`hadolint ${hadolint.source}: Dockerfile clean`);
} catch (err) {
  failed = true;
  log(`hadolint: Dockerfile has findings\n${(err as { stdout?: string }).stdout ?? String(err)}`);
}
process.exitCode = failed ? 1 : 0;
