import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import { freePort } from '../../stack/free-port.js';
import { reconciliations } from '../../services/reconciliation/reconcile.js';
import { publishRefusedRelease } from '../../services/release-check.js';
import type { Services } from './services.js';

/**
 * The planner API for `npm start`: port 8080 when free. A planner token is issued at each start and written to a
 * 0600 file in the data dir (never printed or logged); the webhook secret is made once and kept there too.
 */
export async function startDemoApi(services: Services, dataDir: string, settings: { port: number; webhookSecret?: string }) {
  const secretFile = path.join(dataDir, 'webhook-secret');
  const webhookSecret =
    settings.webhookSecret ??
    (existsSync(secretFile) ? (await readFile(secretFile, 'utf8')).trim() : await (async () => {
      const s = randomBytes(24).toString('base64url');
      await writeFile(secretFile, s, { mode: 0o600 });
      return s;
    })());
  const tokenFile = path.join(dataDir, 'api-token');
  await writeFile(tokenFile, `${await issueToken(services.db, 'demo-planner', 'planner')}\n`, { mode: 0o600 });
  const app = await buildPlannerApi({
    db: services.db,
    client: services.client,
    webhookSecret,
    reconciliation: reconciliations({ client: services.client, db: services.db, erp: services.erp }),
    reportRefusedRelease: (release, refusal) => publishRefusedRelease(jetstream(services.nc), 'erp-webhook', release, refusal),
    nc: services.nc,
    republish: async (subject, payload) => void (await jetstream(services.nc).publish(subject, payload)),
  });
  const url = await app.listen({ host: '127.0.0.1', port: await freePort(settings.port) });
  return { url, tokenFile, stop: () => app.close() };
}
