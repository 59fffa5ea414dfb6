import { describe, expect, it } from 'vitest';
import { erpAdapterConfig, natsSettings, readEnv } from '../../../workers/wiring/config.js';
import { natsServers } from '../../../workers/wiring/nats.js';

describe('process configuration', () => {
  it('applies defaults for a local stack', () => {
    expect(readEnv({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes' })).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233', MES_ERP_ADAPTER: 'sim',
    });
  });

  it('names each bad variable', () => {
    expect(() => readEnv({ DATABASE_URL: 'mysql://x', MES_ERP_ADAPTER: 'sap', MES_WEBHOOK_SECRET: 'short' })).toThrow(
      /environment: DATABASE_URL: must be a postgres:\/\/ URL; MES_ERP_ADAPTER: must be s4hana, rest or sim; MES_WEBHOOK_SECRET: must be at least 16 characters/,
    );
  });

  it('asks for the SAP connection when the s4hana adapter is chosen, and builds it', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes', MES_ERP_ADAPTER: 's4hana' };
    expect(() => readEnv(base)).toThrow(/SAP_BASE_URL: required when MES_ERP_ADAPTER=s4hana.*SAP_USER: required/);
    const env = readEnv({ ...base, SAP_BASE_URL: 'https://s4.example.com', SAP_USER: 'MES_COMM', SAP_PASSWORD: 'x', SAP_CLIENT: '100' });
    expect(erpAdapterConfig(env)).toEqual({
      adapter: 's4hana', baseUrl: 'https://s4.example.com', client: '100', auth: { kind: 'basic', user: 'MES_COMM', password: 'x' },
    });
    const oauth = readEnv({ ...base, SAP_BASE_URL: 'https://s4.example.com', SAP_OAUTH_TOKEN_URL: 'https://auth.example.com/oauth/token', SAP_OAUTH_CLIENT_ID: 'c', SAP_OAUTH_CLIENT_SECRET: 's' });
    expect(erpAdapterConfig(oauth)).toMatchObject({ auth: { kind: 'oauth', clientId: 'c' } });
  });

  it('takes SAP message kinds and the commit window, and names a bad message id', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes', MES_ERP_ADAPTER: 's4hana', SAP_BASE_URL: 'https://s4.example.com', SAP_USER: 'U', SAP_PASSWORD: 'x' };
    const env = readEnv({ ...base, SAP_MESSAGE_KINDS: '{"ZPP/001":"transient","M7/021":"transient"}', SAP_COMMIT_WINDOW_MS: '60000' });
    expect(erpAdapterConfig(env)).toMatchObject({ messages: { 'ZPP/001': 'transient', 'M7/021': 'transient' }, commitWindowMs: 60_000 });
    expect(() => readEnv({ ...base, SAP_MESSAGE_KINDS: '{"M3-897":"transient"}' })).toThrow(/SAP_MESSAGE_KINDS\.M3-897: must be an SAP message id/);
    expect(() => readEnv({ ...base, SAP_MESSAGE_KINDS: '{"M3/897":"sometimes"}' })).toThrow(/SAP_MESSAGE_KINDS\.M3\/897/);
    expect(() => readEnv({ ...base, SAP_MESSAGE_KINDS: 'M3/897=transient' })).toThrow(/SAP_MESSAGE_KINDS: must be JSON/);
  });

  it('takes the simulator\'s and a REST ERP\'s commit window, and names a bad one', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes', MES_ERP_SIM_URL: 'http://127.0.0.1:8089' };
    expect(erpAdapterConfig(readEnv({ ...base, MES_ERP_COMMIT_WINDOW_MS: '20000' }))).toEqual({ adapter: 'sim', simUrl: 'http://127.0.0.1:8089', commitWindowMs: 20_000 });
    expect(erpAdapterConfig(readEnv(base))).toEqual({ adapter: 'sim', simUrl: 'http://127.0.0.1:8089' });
    const rest = readEnv({ ...base, MES_ERP_ADAPTER: 'rest', MES_ERP_REST_URL: 'https://erp.example.com', MES_ERP_REST_HMAC_SECRET: '0123456789abcdef', MES_ERP_COMMIT_WINDOW_MS: '5000' });
    expect(erpAdapterConfig(rest)).toMatchObject({ adapter: 'rest', commitWindowMs: 5_000 });
    expect(() => readEnv({ ...base, MES_ERP_COMMIT_WINDOW_MS: '-1' })).toThrow(/MES_ERP_COMMIT_WINDOW_MS/);
  });

  it('asks for the REST ERP URL and secret, and passes custom routes on', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes', MES_ERP_ADAPTER: 'rest' };
    expect(() => readEnv(base)).toThrow(/MES_ERP_REST_URL: required when MES_ERP_ADAPTER=rest.*MES_ERP_REST_HMAC_SECRET: required/);
    const env = readEnv({ ...base, MES_ERP_REST_URL: 'https://erp.example.com', MES_ERP_REST_HMAC_SECRET: '0123456789abcdef', MES_ERP_REST_POSTINGS_PATH: '/v2/postings' });
    expect(erpAdapterConfig(env)).toEqual({ adapter: 'rest', baseUrl: 'https://erp.example.com', hmacSecret: '0123456789abcdef', paths: { postings: '/v2/postings' } });
  });

  it('refuses a seen-id retention shorter than the machine-event stream keeps a message', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes' };
    expect(() => readEnv({ ...base, MES_SEEN_EVENTS_RETENTION_HOURS: '24' })).toThrow(/MES_SEEN_EVENTS_RETENTION_HOURS: must be at least 168 hours/);
    expect(readEnv({ ...base, MES_SEEN_EVENTS_RETENTION_HOURS: '192' }).MES_SEEN_EVENTS_RETENTION_HOURS).toBe(192);
  });

  it('reads the late grace of the shifts the bridge starts, an hour unless set', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes' };
    expect(readEnv(base).MES_SHIFT_LATE_GRACE_S).toBe(3600);
    expect(readEnv({ ...base, MES_SHIFT_LATE_GRACE_S: '30' }).MES_SHIFT_LATE_GRACE_S).toBe(30);
    expect(readEnv({ ...base, MES_SHIFT_LATE_GRACE_S: '0' }).MES_SHIFT_LATE_GRACE_S).toBe(0);
    expect(() => readEnv({ ...base, MES_SHIFT_LATE_GRACE_S: '-1' })).toThrow(/MES_SHIFT_LATE_GRACE_S/);
    expect(() => readEnv({ ...base, MES_SHIFT_LATE_GRACE_S: '604801' })).toThrow(/MES_SHIFT_LATE_GRACE_S: must be at most 604800 s/);
  });

  it('takes every NATS server of a cluster and the streams\' replicas and placement tags', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes' };
    const env = readEnv({ ...base, NATS_URL: 'nats://127.0.0.1:4222, nats://127.0.0.1:4223,nats://127.0.0.1:4224', MES_NATS_REPLICAS: '3', MES_NATS_PLACEMENT_TAGS: 'site:plant1, ssd' });
    const s = natsSettings(env);
    expect(natsServers(s.url)).toEqual(['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223', 'nats://127.0.0.1:4224']);
    expect(s.streams).toEqual({ replicas: 3, placementTags: ['site:plant1', 'ssd'] });
    // Unset: nothing asked, so a start does not scale down a stream a cluster keeps in 3 copies.
    expect(natsSettings(readEnv(base)).streams).toEqual({});
  });

  it('names a bad replica count or placement tag', () => {
    const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/mes' };
    expect(() => readEnv({ ...base, MES_NATS_REPLICAS: '7' })).toThrow(/MES_NATS_REPLICAS: must be at most 5/);
    expect(() => readEnv({ ...base, MES_NATS_REPLICAS: '0' })).toThrow(/MES_NATS_REPLICAS: /);
    expect(() => readEnv({ ...base, MES_NATS_PLACEMENT_TAGS: 'site plant1' })).toThrow(/MES_NATS_PLACEMENT_TAGS\[0\]: must be comma-separated tags/);
    expect(() => readEnv({ ...base, MES_NATS_PLACEMENT_TAGS: ' , ' })).toThrow(/MES_NATS_PLACEMENT_TAGS: must name at least one tag/);
  });
});
