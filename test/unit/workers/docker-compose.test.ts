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

  it('registers every search attribute the workflows use, with its type', () => {
    const setup = readFileSync(path.join(projectRoot, 'deploy', 'temporal-setup.sh'), 'utf8');
    const types = { KEYWORD: 'Keyword', BOOL: 'Bool' } as Record<string, string>;
    for (const key of allSearchAttributes) expect(setup).toContain(`${key.name}=${types[key.type]}`);
  });

  it('mounts the demo plant with only its OPC UA endpoints moved to the OT network', () => {
    const demo = readFileSync(path.join(projectRoot, 'seed', 'demo-plant.yaml'), 'utf8');
    const deployed = readFileSync(path.join(projectRoot, 'deploy', 'plant.yaml'), 'utf8');
    expect(deployed.split('\n').slice(1).join('\n')).toBe(demo.replaceAll('opc.tcp://127.0.0.1:4841', 'opc.tcp://opcua-sim:4841'));
  });

  it('puts the edge gateway alone on both networks, and the OT network has no route out', () => {
    const nets = compose as unknown as { services: Record<string, { networks?: string[] }>; networks: Record<string, { internal?: boolean }> };
    const onBoth = Object.entries(nets.services).filter(([, s]) => s.networks?.includes('ot') && s.networks.includes('it')).map(([n]) => n);
    expect(onBoth).toEqual(['edge-gateway']);
    expect(nets.networks.ot?.internal).toBe(true);
  });
});
