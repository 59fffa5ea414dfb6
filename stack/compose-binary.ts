import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { toolsDir } from './paths.js';

const run = promisify(execFile);

/**
 * Docker Compose as built from its Go module, for `docker compose config` where no Docker engine runs. v5.6.0 is
 * the newest release that builds with this machine's Go 1.26.8 (v5.7 asks for 1.26.10).
 */
export const COMPOSE_VERSION = 'v5.6.0';
const MODULE = 'github.com/docker/compose/v5';
const composePath = path.join(toolsDir, `compose-${COMPOSE_VERSION}`, 'docker-compose');

/**
 * The Compose binary: `DOCKER_COMPOSE_PATH`, else the project's cached build, else built now from the Go module
 * proxy (about 4 minutes on 2 cores; once). `go install pkg@version` refuses Compose's go.mod (it has `exclude`
 * directives), so the module is downloaded and built in a copy of its directory.
 * @throws Error with the go tool's output when the download or the build fails, or `go` is not on PATH.
 */
export async function findOrBuildCompose(onLine: (line: string) => void = () => {}): Promise<string> {
  if (process.env.DOCKER_COMPOSE_PATH) return process.env.DOCKER_COMPOSE_PATH;
  if (await access(composePath, constants.X_OK).then(() => true, () => false)) return composePath;
  onLine(`building Docker Compose ${COMPOSE_VERSION} from ${MODULE} (once)`);
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  const { stdout } = await run('go', ['mod', 'download', '-json', `${MODULE}@${COMPOSE_VERSION}`], { env, maxBuffer: 16 * 1024 * 1024 });
  const { Dir } = JSON.parse(stdout) as { Dir: string };
  const work = await mkdtemp(path.join(tmpdir(), 'mes-compose-'));
  try {
    // The module cache is read-only: build in a writable copy.
    await cp(Dir, work, { recursive: true, mode: 0 });
    await run('chmod', ['-R', 'u+w', work]);
    const staging = `${composePath}.partial`;
    await mkdir(path.dirname(composePath), { recursive: true });
    await run('go', ['build', '-trimpath', '-o', staging, './cmd'], { cwd: work, env, maxBuffer: 64 * 1024 * 1024 });
    await rename(staging, composePath);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return composePath;
}
