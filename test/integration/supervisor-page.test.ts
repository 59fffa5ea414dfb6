import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import { SupervisorLines } from '../../api/schemas/supervisor.js';
import type { CounterHoldView } from '../../contracts/messages/counter-hold.js';
import type { ExceptionView } from '../../contracts/messages/exception.js';
import { ExceptionRoutingConfig } from '../../contracts/messages/exception-routing.js';
import type { CounterHoldEvent, MachineEvent, MachineState } from '../../contracts/messages/machine-event.js';
import type { LiveEvent } from '../../contracts/messages/supervisor-live.js';
import { defaultShiftCalendar } from '../../shifts/calendar-of.js';
import { shiftOf } from '../../shifts/shift-of.js';
import { auditLog } from '../../schema/index.js';
import { projectRoot } from '../../stack/paths.js';
import { launchChromium } from '../helpers/browser.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { exceptionServiceStarter, type ExceptionService } from '../helpers/exception-service.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';
import { releaseOrder } from '../helpers/release.js';
import { watchSse, type SseWatch } from '../helpers/sse.js';

// The supervisor page (issue 14 item 4, docs/supervisor-page.md) in Debian's Chromium against the planner API on
// real servers: a line-scoped token sees its line only, a count rises without a reload, a hold is accepted and the
// exception inbox's records are acknowledged and resolved from the page; a token of another line sees none of it, on
// the page, on the live stream or through the inbox's API.

let engine: TestEngine;
let api: FastifyInstance;
let base: string;
let browser: Browser;
let inbox: ExceptionService;
const tokens = { line1: '', line2: '' };
const shots = path.join(projectRoot, 'test-results');

beforeAll(async () => {
  engine = await startTestEngine();
  const { db, client, nc } = engine.services;
  // The exception inbox as workers/exception-inbox.ts runs it; its routing tells the line's andon board only.
  inbox = await exceptionServiceStarter(engine, ExceptionRoutingConfig.parse({
    groups: { supervisors: { role: 'line supervisor', targets: [{ channel: 'andon' }] } },
    rules: [{ site: 'plant1', levels: [{ notify: ['supervisors'] }] }],
  }))();
  api = await buildPlannerApi({ db, client, nc });
  tokens.line1 = await issueToken(db, 'supervisor-line-1', 'quality', [{ site: 'plant1', lines: ['line-1'] }]);
  tokens.line2 = await issueToken(db, 'supervisor-line-2', 'quality', [{ site: 'plant1', lines: ['line-2'] }]);
  base = await api.listen({ host: '127.0.0.1', port: 0 });
  await mkdir(shots, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await inbox?.stop();
  await engine?.stop();
});

const T0 = Date.now() - 120_000;
const counts = (from: number, n: number) => goodCounts({ line: 'line-1', machine: 'press-1', n, startMs: T0 + from * 1000, prefix: 'sup' });
/** Readings the edge refused to count (a jump of `delta` in 2 s), as the counter-holds test publishes them. */
const hold = (atMs: number, delta: number): CounterHoldEvent => ({
  v: 1, eventId: `press-1:ns=1;s=press-1.Good:hold:${atMs}`, site: 'plant1', line: 'line-1', machine: 'press-1', tag: 'ns=1;s=press-1.Good',
  sourceTime: new Date(atMs).toISOString(), quality: 'good', kind: 'hold', counter: 'good', reason: 'implausible_rate', delta, limit: 3, elapsedMs: 2_000,
  raw: 1_000 + delta,
  readings: [{ raw: 1_000, sourceTime: new Date(atMs - 2_000).toISOString() }, { raw: 1_000 + delta, sourceTime: new Date(atMs).toISOString() }],
});

/** press-1 runs, faults for 30 s, runs, sets up for 15 s and runs again: the shift's downtime for the Pareto. */
const states = (): MachineEvent[] => ([[0, 'running'], [40, 'fault'], [70, 'running'], [80, 'setup'], [95, 'running']] as Array<[number, MachineState]>).map(([s, state], i) => ({
  v: 1, eventId: `sup-state-${i}`, site: 'plant1', line: 'line-1', machine: 'press-1', tag: 'state', quality: 'good',
  sourceTime: new Date(T0 + s * 1000).toISOString(), kind: 'state', state, previous: null,
}));
/** Whether the test's production falls in the shift that runs now (not across a shift change, two minutes a shift). */
const oneShift = () => {
  const calendar = defaultShiftCalendar('Europe/Berlin');
  return shiftOf(new Date(T0).toISOString(), calendar)?.shiftCode === shiftOf(new Date().toISOString(), calendar)?.shiftCode;
};

/** Every URL the test's pages asked for. */
const requests: string[] = [];

async function signIn(token: string): Promise<Page> {
  // A tablet in landscape.
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 }, hasTouch: true });
  page.on('request', (r) => void requests.push(r.url()));
  await page.goto(`${base}/ui`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('live-state').getByText('live').waitFor({ timeout: 20_000 });
  return page;
}

const getJson = async <T>(token: string, url: string): Promise<T> => (await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<T>;
const unresolved = async (token: string) => (await getJson<{ exceptions: ExceptionView[] }>(token, '/exceptions?state=unresolved')).exceptions;
/** Counts from a machine line-1 does not have: the bridge keeps them unassigned, the inbox opens an `unknown-machine` record. */
const ghostCounts = (machine: string) => goodCounts({ line: 'line-1', machine, n: 2, startMs: T0, prefix: `sup-${machine}` });

async function ticketStream(token: string): Promise<SseWatch> {
  const r = await fetch(`${base}/supervisor/tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
  const { ticket } = (await r.json()) as { ticket: string };
  return watchSse(`${base}/supervisor/events?ticket=${encodeURIComponent(ticket)}`);
}

describe('supervisor page', () => {
  it('shows a line-scoped token its line live, lets it accept a hold, and shows another line\'s token none of it', async () => {
    await releaseOrder(engine, '7200001', 'line-1', '100');
    // Both tokens' live streams are open before anything happens on line-1.
    const line2Stream = await ticketStream(tokens.line2);
    const line1Stream = await ticketStream(tokens.line1);
    try {
      await publishEvents(engine.services.nc, states());
      for (const m of ['ghost-1', 'ghost-2']) await publishEvents(engine.services.nc, ghostCounts(m));
      const ghost = (machine: string) => eventually(async () => (await unresolved(tokens.line1)).find((e) => e.kind === 'unknown-machine' && e.evidence.machine === machine), `the inbox's record of ${machine}`);
      const [ghost1, ghost2] = [await ghost('ghost-1'), await ghost('ghost-2')];
      expect([ghost1.line, ghost1.state, ghost1.actions]).toEqual(['line-1', 'open', ['assign', 'skip', 'escalate']]);
      await publishEvents(engine.services.nc, counts(0, 5));
      const held = hold(T0 + 30_000, 40);
      await publishEvents(engine.services.nc, [held]);
      const holdUrl = `${base}/production/holds/${encodeURIComponent(held.eventId)}`;
      const readHold = async () => (await fetch(holdUrl, { headers: { authorization: `Bearer ${tokens.line1}` } })).json() as Promise<CounterHoldView>;
      await eventually(async () => ((await readHold()).status === 'held' ? true : undefined), 'the hold recorded');

      expect([line1Stream.status, line2Stream.status]).toEqual([200, 200]);
      const page = await signIn(tokens.line1);
      const card = page.getByTestId('line-card');
      const good = card.getByTestId('good-count');
      await eventually(async () => ((await good.textContent()) === '5' ? true : undefined), 'the first 5 pieces on the page', 20_000);
      expect(await card.count()).toBe(1);
      expect(await card.getAttribute('data-line')).toBe('line-1');
      await page.screenshot({ path: path.join(shots, 'supervisor-line-1.png'), fullPage: true });

      // Live: more pieces while the page is open; the number rises with no reload (the marker survives).
      await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
      await publishEvents(engine.services.nc, counts(5, 10));
      await eventually(async () => ((await good.textContent()) === '15' ? true : undefined), 'the count rising to 15 on the page', 20_000);
      expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
      await page.screenshot({ path: path.join(shots, 'supervisor-line-1-live.png'), fullPage: true });

      // Acknowledge from the page: the hold is accepted, by this token, and leaves the list.
      const row = page.locator(`[data-testid="hold-row"][data-event="${held.eventId}"]`);
      await row.waitFor({ timeout: 10_000 });
      await row.getByRole('button', { name: 'Accept' }).click();
      await row.waitFor({ state: 'detached', timeout: 10_000 });
      expect(await readHold()).toMatchObject({ status: 'accepted', decidedBy: 'supervisor-line-1', countedTo: 'work-order:plant1:7200001' });
      await eventually(async () => ((await good.textContent()) === '55' ? true : undefined), 'the accepted 40 pieces counted', 20_000);
      // The inbox's records on the page: ghost-1 acknowledged (it stays, acknowledged), ghost-2 skipped with a reason (it
      // leaves); Skip waits for the reason.
      const exRow = (x: ExceptionView) => page.locator(`[data-testid="exception-row"][data-id="${x.id}"]`);
      await exRow(ghost1).getByText('2 pieces from machine ghost-1 on line-1').waitFor({ timeout: 10_000 });
      await exRow(ghost1).getByRole('button', { name: 'Acknowledge' }).click();
      await page.locator(`[data-testid="exception-row"][data-id="${ghost1.id}"][data-state="acknowledged"]`).waitFor({ timeout: 10_000 });
      expect(await exRow(ghost1).textContent()).toContain('acknowledged by supervisor-line-1');
      const skip = exRow(ghost2).getByRole('button', { name: 'Skip' });
      expect(await skip.isDisabled()).toBe(true);
      await exRow(ghost2).getByPlaceholder('reason', { exact: true }).fill('test rig on line-1, not production');
      await skip.click();
      await exRow(ghost2).waitFor({ state: 'detached', timeout: 10_000 });
      await page.screenshot({ path: path.join(shots, 'supervisor-exceptions.png'), fullPage: true });
      const record = (x: ExceptionView) => getJson<ExceptionView>(tokens.line1, `/exceptions/${x.id}`);
      expect(await record(ghost1)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'supervisor-line-1', resolvedBy: null });
      expect(await record(ghost2)).toMatchObject({ state: 'resolved', resolvedBy: 'supervisor-line-1', resolution: { action: 'skip', reason: 'test rig on line-1, not production' } });
      const audits = async (x: ExceptionView) => (await engine.services.db.select().from(auditLog)).filter((a) => a.target === `exception/${x.id}`).map((a) => [a.action, a.actor]);
      expect(await audits(ghost1)).toEqual([['exception-acknowledge', 'supervisor-line-1']]);
      expect(await audits(ghost2)).toEqual([['exception-skip', 'supervisor-line-1']]);

      // A quality hold placed through the API appears live (the order's WIP says units are held) and is released here.
      const qh = await fetch(`${base}/orders/plant1/7200001/quality-holds`, {
        method: 'POST', headers: { authorization: `Bearer ${tokens.line1}`, 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 5, defectText: 'burr on the edge' }),
      });
      expect(qh.status).toBe(200);
      const qRow = page.getByTestId('quality-hold-row').filter({ hasText: 'burr on the edge' });
      await qRow.waitFor({ timeout: 15_000 });
      expect(await qRow.textContent()).toContain('order 7200001: 5 units');
      await qRow.getByRole('button', { name: 'Release' }).click();
      await qRow.waitFor({ state: 'detached', timeout: 15_000 });
      const after = await (await fetch(`${base}/orders/plant1/7200001?consistent=true`, { headers: { authorization: `Bearer ${tokens.line1}` } })).json() as { status: { qualityHeld: number; qualityHolds: Array<{ disposition: string | null }> } };
      expect(after.status).toMatchObject({ qualityHeld: 0, qualityHolds: [{ disposition: 'release' }] });

      // The shift's figures as charts: its downtime (the test plant has no downtime reasons: by machine state) and trend.
      const charts = page.locator('[data-testid="shift-charts"][data-line="line-1"]');
      await charts.locator('canvas[aria-label="OEE trend of line-1"]').waitFor({ timeout: 10_000 });
      if (oneShift()) {
        await charts.locator('canvas[aria-label="Downtime Pareto of line-1"]').waitFor({ timeout: 70_000 });
        // 30 s of fault and 15 s of setup.
        expect(await card.getByTestId('downtime').textContent()).toBe('0.8 min');
      }
      const listed = SupervisorLines.parse(await (await fetch(`${base}/supervisor/lines`, { headers: { authorization: `Bearer ${tokens.line1}` } })).json());
      expect(listed.lines).toHaveLength(1);
      expect(listed.lines[0]).toMatchObject({ site: 'plant1', line: 'line-1', activeOrder: { erpOrderId: '7200001', phase: 'running', good: 55, plannedQuantity: '100' } });
      // The trend is one read of the line's stored shifts (GET /shifts/:site/:line?from=&to=), not a report per shift.
      expect(requests.filter((u) => /\/shifts\/plant1\/line-1\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d/.test(u)).length).toBeGreaterThan(0);

      await page.getByRole('button', { name: 'Order story' }).click();
      const story = page.getByTestId('order-story');
      await story.getByText('Released: 100 PC of BRACKET-A to line-1').waitFor({ timeout: 10_000 });
      await story.getByText('Counter hold on press-1: 40 good, accepted').waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(shots, 'supervisor-order-story.png'), fullPage: true });
      // A tablet in portrait: one column, and every button a touch target (WCAG 2.5.5: at least 44 px each way).
      await page.setViewportSize({ width: 768, height: 1024 });
      const buttons = await page.locator('button').evaluateAll((bs) => bs.map((b) => [b.textContent, b.getBoundingClientRect().height, b.getBoundingClientRect().width]));
      expect(buttons.length).toBeGreaterThan(2);
      expect(buttons.filter(([, h, w]) => Number(h) < 44 || Number(w) < 44)).toEqual([]);
      expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(768);
      await page.screenshot({ path: path.join(shots, 'supervisor-tablet-portrait.png'), fullPage: true });

      // The token of line-2: its line only, no hold, no order of line-1, on the page and on its stream.
      const other = await signIn(tokens.line2);
      await other.getByTestId('line-card').first().waitFor();
      expect(await other.getByTestId('line-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-line')))).toEqual(['line-2']);
      await other.getByText('No open holds.').waitFor();
      await other.getByText('No open exceptions.').waitFor();
      expect(await other.locator('body').textContent()).not.toContain('7200001');
      expect(await other.locator('body').textContent()).not.toContain('ghost-1');
      // Nor through the inbox's API: line-1's records are not listed, and acting on one is refused (and audited).
      expect((await unresolved(tokens.line2)).filter((e) => e.line !== 'line-2')).toEqual([]);
      const refused = await fetch(`${base}/exceptions/${ghost1.id}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${tokens.line2}`, 'content-type': 'application/json' }, body: '{}' });
      expect(refused.status).toBe(403);
      expect((await record(ghost1)).acknowledgedBy).toBe('supervisor-line-1');
      expect(await audits(ghost1)).toEqual([['exception-acknowledge', 'supervisor-line-1']]);
      expect((await engine.services.db.select().from(auditLog)).some((a) => a.action === 'refused-out-of-scope' && a.actor === 'supervisor-line-2')).toBe(true);
      await other.screenshot({ path: path.join(shots, 'supervisor-line-2.png'), fullPage: true });

      const wip1 = line1Stream.events<LiveEvent & { type: 'wip' }>('wip');
      expect(wip1.map((e) => e.wip.good)).toContain(15);
      expect(wip1.every((e) => e.wip.line === 'line-1')).toBe(true);
      expect(line1Stream.events<LiveEvent>('exception')).toContainEqual({ type: 'exception', site: 'plant1', line: 'line-1', stage: 'counter-hold' });
      expect(line2Stream.text()).toContain(': connected');
      expect(line2Stream.events('wip')).toEqual([]);
      expect(line2Stream.events('exception')).toEqual([]);
    } finally {
      line1Stream.close();
      line2Stream.close();
    }
  });

  it('opens the live stream with a ticket once, and never without one', async () => {
    const r = await fetch(`${base}/supervisor/tickets`, { method: 'POST', headers: { authorization: `Bearer ${tokens.line1}`, 'content-type': 'application/json' }, body: '{}' });
    const { ticket } = (await r.json()) as { ticket: string };
    const first = await watchSse(`${base}/supervisor/events?ticket=${encodeURIComponent(ticket)}`);
    first.close();
    expect(first.status).toBe(200);
    expect((await watchSse(`${base}/supervisor/events?ticket=${encodeURIComponent(ticket)}`)).status).toBe(401);
    expect((await watchSse(`${base}/supervisor/events?ticket=made-up`)).status).toBe(401);
    expect((await fetch(`${base}/supervisor/tickets`, { method: 'POST' })).status).toBe(401);
    // The vendored modules the page imports are served, not the packages' other files.
    for (const file of ['/ui/vendor/preact/preact.mjs', '/ui/vendor/htm/htm.module.js', '/ui/vendor/chart.js/chart.js', '/ui/vendor/kurkle-color/color.esm.js'])
      expect((await fetch(`${base}${file}`)).status, file).toBe(200);
    expect((await fetch(`${base}/ui/vendor/chart.js/types.d.ts`)).status).not.toBe(200);
  });
});
