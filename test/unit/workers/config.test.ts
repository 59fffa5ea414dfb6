import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../workers/wiring/config.js';

describe('process configuration', () => {
  it('applies defaults for a local stack', () => {
    expect(readEnv({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes' })).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233', MES_SITE: 'plant1', MES_ERP_ADAPTER: 'sim',
    });
  });

  it('names each bad variable', () => {
    expect(() => readEnv({ DATABASE_URL: 'mysql://x', MES_SITE: 'Plant 1', MES_ERP_ADAPTER: 'sap' })).toThrow(
      /environment: DATABASE_URL: must be a postgres:\/\/ URL; MES_SITE: must be 1-64 of a-z, 0-9 and -; MES_ERP_ADAPTER: must be sim/,
    );
  });
});
