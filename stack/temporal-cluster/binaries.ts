import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MissingServerBinary } from '../binaries.js';
import { toolsDir } from '../paths.js';

const run = promisify(execFile);

/** The Temporal server release the cluster profile builds and runs; its schema must match the binaries. */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
/** v1.32.2 needs Go >= 1.26.10; an older local Go fetches this toolchain itself (../shared/design.md). */
export const GO_TOOLCHAIN = 'go1.26.10';
const MODULE = 'go.temporal.io/server';
/**
 * Temporal's Web UI server (Go module `github.com/temporalio/ui-server/v2`, the built UI embedded). 2.56.4: the newest
 * whose dependencies the Go module proxy served here (2.58.x needs echo v4.16.1 and go.temporal.io/api v1.64.0, both
 * refused with 403); it needs Go >= 1.26.10 as the server does.
 */
export const TEMPORAL_UI_SERVER_VERSION = '2.56.4';
const UI_MODULE = 'github.com/temporalio/ui-server/v2';

export const clusterToolsDir = path.join(toolsDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
const uiToolsDir = path.join(toolsDir, `temporal-ui-server-${TEMPORAL_UI_SERVER_VERSION}`);

export interface ClusterBinaries {
  /** The Temporal server (`cmd/server`): every service, chosen per process with `start --service`. */
  server: string;
  /** temporal-sql-tool (`cmd/tools/sql`): creates databases and applies the versioned schema. */
  sqlTool: string;
  /** The Web UI server (`ui-server/v2/cmd/server`); undefined when not built: the cluster then runs without its UI. */
  uiServer?: string;
}

/** Each binary: what `go install` calls it, the package and version it is built from, and where it is cached. */
const BUILDS = [
  { key: 'server', built: 'server', spec: `${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, target: path.join(clusterToolsDir, 'bin', 'server') },
  { key: 'sqlTool', built: 'sql', spec: `${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`, target: path.join(clusterToolsDir, 'bin', 'sql') },
  { key: 'uiServer', built: 'server', spec: `${UI_MODULE}/cmd/server@v${TEMPORAL_UI_SERVER_VERSION}`, target: path.join(uiToolsDir, 'bin', 'ui-server') },
] as const;

const binaryPath = (key: (typeof BUILDS)[number]['key']) => BUILDS.find((b) => b.key === key)!.target;

const isExecutable = (file: string) => access(file, constants.X_OK).then(() => true, () => false);

/**
 * The cached binaries of TEMPORAL_SERVER_VERSION, and the Web UI server's when built. `TEMPORAL_SERVER_PATH`,
 * `TEMPORAL_SQL_TOOL_PATH` and `TEMPORAL_UI_SERVER_PATH` name binaries built elsewhere (same versions expected).
 * @throws MissingServerBinary naming the install command when either is absent.
 */
export async function findClusterBinaries(): Promise<ClusterBinaries> {
  const found = {
    server: process.env.TEMPORAL_SERVER_PATH ?? binaryPath('server'),
    sqlTool: process.env.TEMPORAL_SQL_TOOL_PATH ?? binaryPath('sqlTool'),
  };
  const ui = process.env.TEMPORAL_UI_SERVER_PATH ?? binaryPath('uiServer');
  for (const file of Object.values(found)) {
    if (!(await isExecutable(file))) {
      throw new MissingServerBinary(
        `Temporal server ${TEMPORAL_SERVER_VERSION} binary ${file} is missing: build it once with \`npx tsx stack/install-temporal-cluster.ts\` (needs Go; about 9 minutes on 2 cores)`,
      );
    }
  }
  return { ...found, uiServer: (await isExecutable(ui)) ? ui : undefined };
}

/** What one `go install` did: `seconds` is wall time, 0 when the binary was cached already. */
export interface BuildReport {
  binary: string;
  path: string;
  seconds: number;
  cached: boolean;
  bytes: number;
}

/**
 * Builds the server and temporal-sql-tool with `go install <pkg>@v<version>` into `.mes/tools/temporal-server-<v>/bin`,
 * and the Web UI server into `.mes/tools/temporal-ui-server-<v>/bin/ui-server`, one at a time and at the lowest CPU priority (the machine keeps serving while it builds), skipping a binary that is
 * cached. A build goes to a staging dir first so an interrupted one never leaves a half-written binary in the cache.
 * @param onLine receives the go tool's output lines (downloads, errors) as they come.
 * @throws Error with the go tool's last output when a build fails or `go` is not on PATH.
 */
export async function buildClusterBinaries(onLine: (line: string) => void = () => {}): Promise<BuildReport[]> {
  const reports: BuildReport[] = [];
  const staging = path.join(clusterToolsDir, 'staging');
  for (const b of BUILDS) {
    const target = b.target;
    if (await isExecutable(target)) {
      reports.push({ binary: b.key, path: target, seconds: 0, cached: true, bytes: (await stat(target)).size });
      continue;
    }
    await mkdir(staging, { recursive: true });
    const t0 = performance.now();
    await goInstall(b.spec, staging, onLine);
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    await mkdir(path.dirname(target), { recursive: true });
    await rename(path.join(staging, b.built), target);
    reports.push({ binary: b.key, path: target, seconds, cached: false, bytes: (await stat(target)).size });
  }
  await rm(staging, { recursive: true, force: true });
  return reports;
}

function goInstall(spec: string, gobin: string, onLine: (line: string) => void): Promise<void> {
  const env = { ...process.env, GOBIN: gobin, GOTOOLCHAIN: GO_TOOLCHAIN, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=mod`.trim() };
  // `nice` keeps a 9-minute compile from starving whatever else runs on the machine (tests, a soak).
  const child = spawn('nice', ['-n', '19', 'go', 'install', spec], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const collect = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
    for (const line of d.toString().split('\n')) if (line.trim()) onLine(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`go install ${spec}: ${err.message} (is Go on PATH?)`)));
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`go install ${spec} failed (${signal ?? `exit ${code}`}):\n${tail}`)),
    );
  });
}

/**
 * The module's PostgreSQL schema dir in the Go module cache (`<GOMODCACHE>/go.temporal.io/server@v<v>/schema/postgresql/v12`),
 * left there by the build; undefined when the cache was cleaned or the binaries came from elsewhere (the schema tool
 * then uses the copy embedded in it).
 */
export async function moduleSchemaDir(): Promise<string | undefined> {
  const modCache = await run('go', ['env', 'GOMODCACHE']).then((r) => r.stdout.trim(), () => '');
  if (!modCache) return undefined;
  const dir = path.join(modCache, `${MODULE}@v${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  return (await stat(dir).then((s) => s.isDirectory(), () => false)) ? dir : undefined;
}
