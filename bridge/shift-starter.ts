import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { shiftWorkflowId } from '../contracts/ids.js';
import type { Db } from '../db/client.js';
import { lines, sites } from '../schema/index.js';
import { storedLineCalendar } from '../db/line-calendar.js';
import { shiftSlot } from '../shifts/calendar-of.js';
import { shiftOf } from '../shifts/shift-of.js';
import type { shiftWorkflow } from '../workflows/shift.js';
import { shiftStartOptions } from './deliver.js';

/** How often the running shift of every line is made sure of; a shift then starts at most this late. */
export const SHIFT_START_SWEEP_MS = 60_000;

/**
 * Makes sure every line of the plant model has its current shift running, without waiting for a first event: once
 * at the bridge's start and every minute after. A shift usually starts the next one itself at its end (handover,
 * workflows/shift-handover.ts); this starts the first one, and one after a gap the handover skipped (the bridge was
 * down through a whole shift, the calendar changed). Starting a shift that runs or ran already is refused by its
 * id and ignored. Several bridges may run it at once for the same reason. `known` holds the workflow ids this
 * process started or found running already: a line whose current shift is among them costs no Temporal call (so
 * the minute's sweep is one query, not one call per line).
 * @returns the number of shifts it started.
 */
export async function startCurrentShifts(db: Db, client: Client, lateGraceMs: number, nowMs = Date.now(), known = new Set<string>()): Promise<number> {
  const rows = await db
    .select({ site: lines.siteCode, line: lines.code, timezone: sites.timezone, shiftCalendars: sites.shiftCalendars })
    .from(lines)
    .innerJoin(sites, eq(sites.code, lines.siteCode));
  let started = 0;
  for (const r of rows) {
    const slot = shiftOf(new Date(nowMs).toISOString(), storedLineCalendar(r.shiftCalendars, r.line, r.timezone));
    if (!slot) continue;
    const shift = { site: r.site, line: r.line, ...shiftSlot(slot) };
    const workflowId = shiftWorkflowId(r.site, r.line, shift.date, shift.shiftCode);
    if (known.has(workflowId)) continue;
    try {
      await client.workflow.start<typeof shiftWorkflow>('shiftWorkflow', shiftStartOptions(workflowId, { shift, lateGraceMs }));
      started += 1;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    known.add(workflowId);
  }
  return started;
}

/** Runs `startCurrentShifts` now and every `SHIFT_START_SWEEP_MS`; failures are logged and tried again next time. */
export function startShiftStarter(deps: { db: Db; client: Client; log: Logger }, lateGraceMs: number, everyMs = SHIFT_START_SWEEP_MS) {
  let running: Promise<void> = Promise.resolve();
  // Ids of shifts started or found running; a past shift's id is never asked for again, so the set is cleared daily.
  const known = new Set<string>();
  let clearedAt = Date.now();
  const sweep = () => {
    if (Date.now() - clearedAt > 86_400_000) {
      known.clear();
      clearedAt = Date.now();
    }
    running = startCurrentShifts(deps.db, deps.client, lateGraceMs, Date.now(), known)
      .then((n) => {
        if (n > 0) deps.log.info({ started: n }, 'shifts started on time');
      })
      .catch((err: unknown) => deps.log.warn({ err }, 'starting the current shifts failed; trying again'));
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  return {
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
