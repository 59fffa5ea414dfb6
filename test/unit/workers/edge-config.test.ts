import { describe, expect, it } from 'vitest';
import { credentialsFromEnv, readEdgeEnv } from '../../../workers/wiring/edge-config.js';

describe('edge gateway environment', () => {
  it('has working defaults and needs no database', () => {
    const env = readEdgeEnv({});
    expect(env).toMatchObject({ NATS_URL: 'nats://127.0.0.1:4222', MES_EDGE_BUFFER_MAX_EVENTS: 1_000_000, MES_EDGE_TRUST_UNKNOWN_SERVERS: false, MES_EDGE_METRICS_PORT: 9464 });
    expect(env.MES_EDGE_BUFFER_DIR).toMatch(/\.mes\/data\/edge-buffer$/);
  });

  it('names each bad variable', () => {
    expect(() => readEdgeEnv({ MES_EDGE_BUFFER_MAX_EVENTS: '10', MES_EDGE_TRUST_UNKNOWN_SERVERS: 'yes' })).toThrow(
      /MES_EDGE_BUFFER_MAX_EVENTS: .*; MES_EDGE_TRUST_UNKNOWN_SERVERS: /,
    );
  });

  it('resolves a credentials reference from <ref>_USER and <ref>_PASSWORD, or nothing', () => {
    const creds = credentialsFromEnv({ PRESS1_OPCUA_USER: 'edge', PRESS1_OPCUA_PASSWORD: 's3cret', HALF_USER: 'x' });
    expect(creds('PRESS1_OPCUA')).toEqual({ user: 'edge', password: 's3cret' });
    expect(creds('HALF')).toBeUndefined();
  });
});
