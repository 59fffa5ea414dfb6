import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { createMasterDataActivities } from '../../activities/master-data.js';
import { issueToken } from '../../api/auth.js';
import { buildPlannerApi } from '../../api/app.js';
import type { ShiftSummary, StopReclassification } from '../../contracts/messages/shift.js';
import { auditLog } from '../../schema/index.js';
import { PlantModel } from '../../contracts/messages/plant-model.js';
import { createDb, type Db } from '../../db/client.js';
import { migrateMes } from '../../db/migrate.js';
import { seedPlant } from '../../db/seed.js';
import { startPostgres, type PostgresServer } from '../../stack/postgres.js';
import { demoPlantWithDowntime } from '../helpers/downtime-master.js';

let pgServer: PostgresServer | undefined;
let db: Db | undefined;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mes-line-context-'));
  // Run as root, PostgreSQL runs as user postgres, which must reach the cluster inside (stack/postgres.ts).
  await chmod(dataDir, 0o755);
  pgServer = await startPostgres({ dataDir });
  db = createDb(pgServer.url, 2);
  await migrateMes(db);
});
afterAll(async () => {
  await db?.$client.end();
  await pgServer?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The demo plant with a break in shift A, a maintenance cost center for press-1 and the downtime master data. */
const plant = (): Promise<PlantModel> =>
  demoPlantWithDowntime((p) => {
    p.sites[0]!.lines[0]!.machines[0]!.costCenter = 'CC4150';
    p.shiftCalendars[0]!.versions[0]!.shifts[0]!.breaks = [{ start: '09:00', end: '09:30' }];
  });

describe('loadLineContext', () => {
  it('returns the site\'s downtime master data, the line\'s machines and the shift\'s breaks as seeded', async () => {
    await seedPlant(db!, await plant(), Date.parse('2026-01-01T00:00:00Z'));
    const { loadLineContext } = createMasterDataActivities({ db: db! });
    // A of 2026-03-02 in Europe/Berlin: 05:00Z-13:00Z, its break 08:00Z-08:30Z.
    const ctx = await loadLineContext({ site: 'plant1', line: 'line-1', shiftStartsAt: '2026-03-02T05:00:00.000Z' });
    expect(ctx).toMatchObject({ plant: '1010', costCenter: 'CC4100', downtime: { site: 'plant1', microStopS: 120, stateReasons: { fault: 'unexplained-fault' } } });
    expect(ctx.machines).toEqual([
      { code: 'press-1', costCenter: 'CC4150', idealCycleTimeMs: 2_000, countingPoint: true },
      { code: 'press-2', costCenter: null, idealCycleTimeMs: 2_000, countingPoint: true },
    ]);
    expect(ctx.plannedDowntime).toEqual([{ startsAt: '2026-03-02T08:00:00.000Z', endsAt: '2026-03-02T08:30:00.000Z' }]);
    // A start that is no shift of the calendar has no breaks.
    await expect(loadLineContext({ site: 'plant1', line: 'line-1', shiftStartsAt: '2026-03-02T05:10:00.000Z' })).resolves.toMatchObject({ plannedDowntime: [] });
  });
});

describe('POST /shifts/:site/:line/:date/:shiftCode/stops/:stopId/reason', () => {
  it('hands the operator\'s reason to the shift workflow as an update, audited, and answers 409 with the workflow\'s refusal', async () => {
    const updates: Array<{ workflowId: string; arg: StopReclassification }> = [];
    const summary = (reason: string): ShiftSummary => ({
      shift: { site: 'plant1', line: 'line-1', date: '2026-03-02', shiftCode: 'A', startsAt: '2026-03-02T05:00:00.000Z', endsAt: '2026-03-02T13:00:00.000Z' },
      good: 0, scrap: 0, total: 0, alarmsRaised: 0, eventsApplied: 0, duplicatesDropped: 0, stateMs: {}, availability: null, quality: null, asOf: '2026-03-02T06:00:00.000Z',
      oee: { line: null, machines: {}, downtimeByReason: { [reason]: { stops: 1, ms: 60_000, microStops: 0, microMs: 0 } }, downtimeByCostCenter: {}, problems: [] },
    });
    // Only what the route calls: the workflow's own validation is tested in test/unit/workflows/shift-oee.test.ts.
    const client = {
      workflow: {
        getHandle: (workflowId: string) => ({
          executeUpdate: async (_u: unknown, { args: [arg] }: { args: [StopReclassification] }) => {
            updates.push({ workflowId, arg });
            if (arg.reason === 'gone') throw new WorkflowUpdateFailedError('Workflow Update failed', new Error('reason: unknown reason gone'));
            return summary(arg.reason);
          },
        }),
      },
    } as unknown as Client;
    const app = await buildPlannerApi({ db: db!, client });
    try {
      const token = await issueToken(db!, 'operator-7', 'operator');
      const url = (stopId: string) => `/shifts/plant1/line-1/2026-03-02/A/stops/${encodeURIComponent(stopId)}/reason`;
      const post = (stopId: string, reason: string, bearer = token) =>
        app.inject({ method: 'POST', url: url(stopId), headers: { authorization: `Bearer ${bearer}` }, payload: { reason } });

      const ok = await post('press-1@2026-03-02T07:00:00.000Z', 'cleaning');
      expect(ok.statusCode).toBe(200);
      expect(ok.json().oee.downtimeByReason.cleaning.stops).toBe(1);
      expect(updates[0]).toMatchObject({ workflowId: 'shift:plant1:line-1:2026-03-02:A', arg: { stopId: 'press-1@2026-03-02T07:00:00.000Z', reason: 'cleaning', by: 'operator-7' } });
      const audited = await db!.select().from(auditLog);
      expect(audited.map((a) => [a.action, a.target])).toContainEqual(['stop-reason', 'shift:plant1:line-1:2026-03-02:A']);

      const refused = await post('press-1@2026-03-02T07:00:00.000Z', 'gone');
      expect(refused.statusCode).toBe(409);
      expect(refused.json().detail).toMatch(/unknown reason gone/);
      const badId = await post('press-1@07:00', 'cleaning');
      expect(badId.statusCode).toBe(400);
      expect(badId.body).toMatch(/stop id <machine>@<ISO start>/);
      expect(updates).toHaveLength(2);
      const doc = await app.inject().get('/openapi.json');
      expect(Object.keys(doc.json().paths)).toContain('/shifts/{site}/{line}/{date}/{shiftCode}/stops/{stopId}/reason');
      const viewer = await post('press-1@2026-03-02T07:00:00.000Z', 'cleaning', await issueToken(db!, 'viewer-1', 'viewer'));
      expect(viewer.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
