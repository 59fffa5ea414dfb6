import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../workers/wiring/config.js';
import { temporalTargetFromEnv } from '../../../workers/wiring/temporal-connection.js';

const DATABASE_URL = 'postgres://u:p@127.0.0.1:5433/mes';

describe('temporalTargetFromEnv', () => {
  it('takes address and namespace from the parsed settings when envconfig yields none', () => {
    const raw = { DATABASE_URL };
    expect(temporalTargetFromEnv(raw, readEnv(raw))).toEqual({ address: '127.0.0.1:7233', namespace: 'default' });
    expect(temporalTargetFromEnv(raw, { TEMPORAL_ADDRESS: 'temporal.example.com:7233', TEMPORAL_NAMESPACE: 'mes' })).toEqual({
      address: 'temporal.example.com:7233', namespace: 'mes',
    });
  });

  it('reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE as the parsed settings do', () => {
    const raw = { DATABASE_URL, TEMPORAL_ADDRESS: 'temporal.example.com:7233', TEMPORAL_NAMESPACE: 'mes' };
    expect(temporalTargetFromEnv(raw, readEnv(raw))).toMatchObject({ address: 'temporal.example.com:7233', namespace: 'mes' });
  });
});
