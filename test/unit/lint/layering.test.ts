import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../stack/paths.js';

/**
 * The layering of ../shared/style.md §2 is held by eslint.config.js; these plant one forbidden import (or read of
 * the environment) in a folder and expect the project's own lint configuration to refuse it. Only the fence rules
 * run, without type information, so a planted file needs no place in tsconfig.
 */
const eslint = new ESLint({
  cwd: projectRoot,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId.endsWith('no-restricted-imports') || ruleId === 'no-restricted-properties' || ruleId === 'no-restricted-syntax',
});

async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${projectRoot}/${file}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering fences', () => {
  it.each([
    ['api/planted.ts', "import { startWorkOrder } from '../bridge/start-work-order.js';"],
    ['erp/planted.ts', "import { Client } from '@temporalio/client';"],
    ['erp/sap/planted.ts', "import { proxyActivities } from '@temporalio/workflow';"],
    ['db/planted.ts', "import { projectRoot } from '../stack/paths.js';"],
    ['bridge/planted.ts', "import { FaultInjector } from '../simulators/erp/faults.js';"],
    ['contracts/planted.ts', "import { readFile } from 'node:fs/promises';"],
    ['edge/planted.ts', "import { drizzle } from 'drizzle-orm/node-postgres';"],
    ['workers/edge-gateway.ts', "import { seedPlant } from '../db/seed.js';"],
    ['workflows/planted.ts', "import { z } from 'zod';"],
    ['activities/planted.ts', "import { workOrderWorkflow } from '../workflows/work-order.js';"],
    ['shifts/planted.ts', "import { z } from 'zod';"],
    ['shifts/planted.ts', "import { ShiftCalendar } from '../contracts/messages/shift-calendar.js';"],
    ['contracts/planted.ts', "import { shiftOf } from '../shifts/shift-of.js';"],
    ['oee/planted.ts', "import { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';"],
    ['contracts/planted.ts', "import { classifyStops } from '../oee/classify.js';"],
    ['quality/planted.ts', "import { InspectionCharacteristic } from '../contracts/messages/inspection.js';"],
    ['contracts/planted.ts', "import { runRuleHits } from '../quality/run-rules.js';"],
  ])('refuses in %s: %s', async (file, code) => {
    expect((await lint(file, code)).join('\n')).toMatch(/no-restricted-imports/);
  });

  it.each(['api/planted.ts', 'workers/wiring/planted.ts', 'stack/planted.ts', 'edge/planted.ts'])('refuses process.env in %s', async (file) => {
    expect((await lint(file, 'export const port = process.env.MES_API_PORT;\n')).join('\n')).toMatch(/process\.env.*entrypoint/);
  });

  it('allows what the layering allows', async () => {
    expect(await lint('api/planted.ts', "import { statusQuery } from '../workflows/definitions.js';\nexport { statusQuery };\n")).toEqual([]);
    expect(await lint('workflows/planted.ts', "import type { OrderReleased } from '../contracts/messages/order-release.js';\nexport type X = OrderReleased;\n")).toEqual([]);
    expect(await lint('workers/planted.ts', 'export const port = process.env.MES_API_PORT;\n')).toEqual([]);
    expect(await lint('shifts/planted.ts', "import { WEEKDAYS } from '../contracts/shift-time.js';\nimport type { ShiftCalendar } from '../contracts/messages/shift-calendar.js';\nexport type X = ShiftCalendar;\nexport { WEEKDAYS };\n")).toEqual([]);
    expect(await lint('oee/planted.ts', "import { erpReportOf } from '../contracts/downtime-report.js';\nimport type { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';\nexport type X = SiteDowntimeConfig;\nexport { erpReportOf };\n")).toEqual([]);
    expect(await lint('workflows/planted.ts', "import { classifyStops } from '../oee/classify.js';\nimport { erpReportOf } from '../contracts/downtime-report.js';\nexport { classifyStops, erpReportOf };\n")).toEqual([]);
    expect(await lint('workflows/planted.ts', "import { shiftOf } from '../shifts/shift-of.js';\nimport { WEEKDAYS } from '../contracts/shift-time.js';\nexport { shiftOf, WEEKDAYS };\n")).toEqual([]);
  });
});

describe('layering fences against indirect ways in', () => {
  it.each([
    ['api/planted.ts', "export const load = () => import('../bridge/deliver.js');\n", /import statically/],
    ['services/planted.ts', "import { env } from 'node:process';\nexport const port = env.MES_API_PORT;\n", /entrypoint/],
    ['api/planted.ts', 'export const port = globalThis.process.env.MES_API_PORT;\n', /entrypoint/],
    ['contracts/planted.ts', "import { readFileSync } from 'fs';\nexport { readFileSync };\n", /no-restricted-imports/],
    ['seed/planted.ts', "import { createDb } from '../db/client.js';\nexport { createDb };\n", /no-restricted-imports/],
    ['workers/wiring/edge-config.ts', "import { createDb } from '../../db/client.js';\nexport { createDb };\n", /no-restricted-imports/],
  ])('refuses in %s: %s', async (file, code, expected) => {
    expect((await lint(file, code)).join('\n')).toMatch(expected);
  });
});
