import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../../stack/paths.js';
import { allSearchAttributes } from '../../../workflows/search-attributes.js';
import { readEnv } from '../../../workers/wiring/config.js';

// No Docker engine runs here, so the compose file is checked for what would drift: env, commands, attributes.
const compose = parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command: string | string[]; environment?: Record<string, string> }>;
};
const engineServices = ['db-migrate', 'erp-sim', 'temporal-worker', 'erp-listener', 'signal-bridge', 'planner-api'];

describe('docker-compose.yml', () => {
  it.each(engineServices)('%s gets an environment the engine accepts', (name) => {
    const env = Object.fromEntries(
      Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{(\w+):\?[^}]*\}/g, 'a-secret-of-16-characters')]),
    );
    expect(() => readEnv(env)).not.toThrow();
  });

  it.each(engineServices)('%s runs an entrypoint that exists', (name) => {
    const command = [compose.services[name]!.command].flat().join(' ');
    const entry = command.match(/workers\/[\w-]+\.ts/)?.[0];
    expect(entry).toBeDefined();
    expect(() => readFileSync(path.join(projectRoot, entry!))).not.toThrow();
  });

  it('registers every search attribute the workflows use', () => {
    const command = String(compose.services.temporal!.command);
    for (const key of allSearchAttributes) expect(command).toContain(`--search-attribute ${key.name}=`);
  });
});
