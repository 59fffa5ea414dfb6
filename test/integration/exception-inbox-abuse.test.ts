import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import type { ExceptionView } from '../../contracts/messages/exception.js';
import { ExceptionRoutingConfig } from '../../contracts/messages/exception-routing.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { resolveException } from '../../db/exception-records.js';
import { clearGoneCauses, findExceptions } from '../../services/exceptions/checks.js';
import { nowIso, publishException } from '../../jetstream/publish-exception.js';
import { jetstream } from '@nats-io/jetstream';
import { auditLog, exceptionNotifications, unassignedProduction } from '../../schema/index.js';
import { exceptionWorkflowId } from '../../workflows/definitions.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { exceptionServiceStarter, type ExceptionService } from '../helpers/exception-service.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';
import { startNotifyReceivers } from '../helpers/notify-receivers.js';
import { releaseOrder } from '../helpers/release.js';

// Issue 14 reviewed by trying to break it: the exception API refuses bad input naming the field, a line-scoped token
// cannot act on another line through a resolution's body, a webhook's secret URL is neither stored nor sent as a key,
// and a record resolved without its routing being told (the signal lost) is not escalated any more: its routing ends.

const LINE1_ORDER = '3141001';
const HOOK_SECRET = 'hook-secret-7f3a';
let engine: TestEngine;
let api: FastifyInstance;
let receivers: Awaited<ReturnType<typeof startNotifyReceivers>>;
let service: ExceptionService;
const tokens: Record<'planner' | 'line2' | 'operator' | 'line1planner', string> = { planner: '', line2: '', operator: '', line1planner: '' };

beforeAll(async () => {
  [engine, receivers] = await Promise.all([startTestEngine(), startNotifyReceivers()]);
  const { db, client } = engine.services;
  const routing = ExceptionRoutingConfig.parse({
    groups: {
      // Slack's and Teams' incoming webhooks carry their secret in the URL.
      chat: { targets: [{ channel: 'webhook', url: `${receivers.webhookUrl}?token=${HOOK_SECRET}` }] },
      managers: { targets: [{ channel: 'email', to: ['manager@plant.test'] }] },
    },
    rules: [
      // Long enough for the test to resolve the probe between its levels even under load.
      { site: 'plant1', kinds: ['run-rule-warning'], levels: [{ notify: ['chat'], escalateAfterSeconds: 4 }, { notify: ['managers'] }] },
      { site: 'plant1', levels: [{ notify: ['chat'], escalateAfterSeconds: 1 }, { notify: ['managers'] }] },
    ],
    smtp: { host: '127.0.0.1', port: receivers.smtpPort, from: 'mes@plant.test' },
  });
  service = await exceptionServiceStarter(engine, routing)();
  api = await buildPlannerApi({ db, client });
  tokens.planner = await issueToken(db, 'abuse-planner', 'planner');
  tokens.line2 = await issueToken(db, 'abuse-line2', 'quality', [{ site: 'plant1', lines: ['line-2'] }]);
  tokens.operator = await issueToken(db, 'abuse-operator', 'operator');
  tokens.line1planner = await issueToken(db, 'abuse-line1-planner', 'planner', [{ site: 'plant1', lines: ['line-1'] }]);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await service?.stop();
  await receivers?.stop();
  await engine?.stop();
});

const auth = (who: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[who]}` });
const post = (id: number | string, verb: string, body: unknown, who: keyof typeof tokens = 'planner') =>
  api.inject({ method: 'POST', url: `/exceptions/${id}/${verb}`, headers: auth(who), payload: body as object });
const fields = (r: { json: () => unknown }) => ((r.json() as { errors?: Array<{ field: string }> }).errors ?? []).map((e) => e.field);
const list = async (who: keyof typeof tokens) =>
  (await api.inject({ method: 'GET', url: '/exceptions', headers: auth(who) })).json<{ exceptions: ExceptionView[] }>().exceptions;
const recordOf = (match: (e: ExceptionView) => boolean, what: string) => eventually(async () => (await list('planner')).find(match), what);
/** A run-rule checker's message (its own component, its own cause key), as it publishes it. */
const runRule = (line: string, causeKey: string, reason: string, evidence: Record<string, unknown> = {}) => publishException(jetstream(engine.services.nc), {
  kind: 'run-rule-warning', severity: 'info', site: 'plant1', line, erpOrderId: LINE1_ORDER, workflowId: null, stage: 'run-rules',
  causeKey, occurrence: `${line}:${reason}`, reason, evidence, actions: ['accept', 'escalate'], occurredAt: nowIso(),
});

describe('exception inbox under abuse', () => {
  it('refuses bad input and out-of-scope resolutions, keeps webhook secrets, stops escalating a resolved record', async () => {
    const { db, nc, client } = engine.services;
    await releaseOrder(engine, LINE1_ORDER, 'line-1', '10');
    // Counts on line-2 before any order there: unassigned production, a line-2 record the line-2 token may resolve.
    await publishEvents(nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 2, startMs: Date.now() - 30_000, prefix: 'abuse-early' }));
    const unassigned = await recordOf((e) => e.kind === 'unassigned-production' && e.line === 'line-2', 'the line-2 unassigned production');

    // Bad input: 400 naming the field.
    const bad: Array<[number | string, string, unknown, string]> = [
      [unassigned.id, 'resolve', { action: 'delete' }, 'body.action'],
      [unassigned.id, 'resolve', {}, 'body.action'],
      [unassigned.id, 'resolve', { action: 'skip', reason: 'x'.repeat(2001) }, 'body.reason'],
      [unassigned.id, 'resolve', { action: 'accept', quantity: -1 }, 'body.quantity'],
      [unassigned.id, 'resolve', { action: 'assign', erpOrderId: 'not an order id!' }, 'body.erpOrderId'],
      [unassigned.id, 'assign', {}, 'body.to'],
      [unassigned.id, 'assign', { to: 'y'.repeat(201) }, 'body.to'],
      [unassigned.id, 'acknowledge', { note: 'n'.repeat(2001) }, 'body.note'],
      ['abc', 'acknowledge', {}, 'params.id'],
    ];
    for (const [id, verb, body, field] of bad) {
      const r = await post(id, verb, body);
      expect(r.statusCode, `${verb} ${JSON.stringify(body).slice(0, 60)}`).toBe(400);
      expect(fields(r)).toContain(field);
    }
    const skip = await post(unassigned.id, 'resolve', { action: 'skip' });
    expect([skip.statusCode, skip.json<{ detail: string }>().detail]).toEqual([400, expect.stringContaining('body.reason')]);
    const kind = await api.inject({ method: 'GET', url: '/exceptions?kind=bogus', headers: auth('planner') });
    expect([kind.statusCode, fields(kind)]).toEqual([400, ['querystring.kind']]);
    expect((await post(999_999, 'acknowledge', {})).statusCode).toBe(404);

    // An order that does not exist: refused naming the field, not a 500 from Temporal.
    const unknownOrder = await post(unassigned.id, 'resolve', { action: 'assign', erpOrderId: '3149999' });
    expect([unknownOrder.statusCode, unknownOrder.json<{ detail: string }>().detail]).toEqual([400, expect.stringContaining('body.erpOrderId')]);

    // Scope: the line-2 token may resolve its line's record, but not by giving the production to line-1's order.
    const leak = await post(unassigned.id, 'resolve', { action: 'assign', erpOrderId: LINE1_ORDER }, 'line2');
    expect(leak.statusCode, leak.body).toBe(403);
    // Nor the other way round at /unassigned/assign: a line-1 planner taking line-2's rows for its own order.
    const line2Rows = (await db.select().from(unassignedProduction).where(eq(unassignedProduction.lineCode, 'line-2'))).map((r) => r.eventId);
    const taken = await api.inject({ method: 'POST', url: '/unassigned/assign', headers: auth('line1planner'), payload: { site: 'plant1', erpOrderId: LINE1_ORDER, eventIds: line2Rows } });
    expect(taken.statusCode, taken.body).toBe(403);
    const rows = await db.select().from(unassignedProduction).where(eq(unassignedProduction.lineCode, 'line-2'));
    expect(rows.map((r) => r.status)).toEqual(['open', 'open']);
    const refused = (await db.select().from(auditLog).where(eq(auditLog.actor, 'abuse-line2'))).map((a) => a.action);
    expect(refused).toContain('refused-out-of-scope');
    expect(refused).not.toContain('exception-assign');
    expect((await api.inject({ method: 'GET', url: `/exceptions/${unassigned.id}`, headers: auth('planner') })).json<ExceptionView>().state).not.toBe('resolved');
    // Held too: an operator only acknowledges; another line's record, or a list of another line, is refused.
    expect((await post(unassigned.id, 'resolve', { action: 'skip', reason: 'no' }, 'operator')).statusCode).toBe(403);
    await runRule('line-1', 'abuse:line-1-only', 'line-1 only <!channel> <https://evil.test|click>', { secretOfLine1: 42 });
    const line1 = await recordOf((e) => e.causeKey === 'abuse:line-1-only', 'a line-1 record');
    // Words quoted from machines or the ERP neither ping a chat channel nor become links.
    const chat = await eventually(async () => receivers.received.webhooks.find((w) => w.body.exception.id === line1.id), 'the line-1 webhook');
    expect(chat.body.text).toContain('line-1 only &lt;!channel&gt; &lt;https://evil.test|click&gt;');
    for (const verb of ['acknowledge', 'resolve']) expect((await post(line1.id, verb, { action: 'escalate' }, 'line2')).statusCode).toBe(403);
    expect((await api.inject({ method: 'GET', url: '/exceptions?site=plant1&line=line-1', headers: auth('line2') })).statusCode).toBe(403);
    expect((await list('line2')).every((e) => e.line === 'line-2')).toBe(true);
    expect((await api.inject({ method: 'GET', url: `/exceptions/${line1.id}`, headers: auth('planner') })).json<ExceptionView>().state).toBe('open');

    // Two producers' causes under one key on two lines stay two records: line-2's evidence never lands on line-1's record.
    await runRule('line-2', 'abuse:line-1-only', 'line-2 same key', { ofLine2: true });
    const line2Twin = await recordOf((e) => e.causeKey.startsWith('abuse:line-1-only') && e.line === 'line-2', 'line-2\'s own record');
    expect(line2Twin.evidence).toEqual({ ofLine2: true });
    expect((await list('planner')).find((e) => e.id === line1.id)).toMatchObject({ line: 'line-1', evidence: { secretOfLine1: 42 }, repeatCount: 1 });
    expect((await list('line2')).map((e) => e.id)).toContain(line2Twin.id);

    // The order's workflow refuses (a quality hold it does not have, or decided meanwhile): 409 with its words, not 500.
    await publishException(jetstream(nc), {
      kind: 'quality-hold', severity: 'warning', site: 'plant1', line: 'line-1', erpOrderId: LINE1_ORDER, workflowId: workOrderWorkflowId('plant1', LINE1_ORDER),
      stage: 'abuse', causeKey: 'abuse:quality-hold', occurrence: '1', reason: 'a hold decided elsewhere', evidence: { hold: { id: 999 } }, actions: ['accept', 'skip'], occurredAt: nowIso(),
    });
    const gone = await recordOf((e) => e.causeKey === 'abuse:quality-hold', 'the quality hold record');
    const refusedByOrder = await post(gone.id, 'resolve', { action: 'accept' });
    expect([refusedByOrder.statusCode, refusedByOrder.json<{ detail: string }>().detail]).toEqual([409, expect.stringContaining('no quality hold 999')]);

    // Webhook secrets: the URL's token is in neither the notification guard's rows nor the idempotency key.
    await eventually(async () => (receivers.received.webhooks.some((w) => w.body.exception.id === unassigned.id) ? true : undefined), 'the webhook');
    const keys = (await db.select().from(exceptionNotifications)).map((n) => n.targetKey);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.includes(HOOK_SECRET))).toEqual([]);
    expect(receivers.received.webhooks.filter((w) => w.idempotencyKey?.includes(HOOK_SECRET))).toEqual([]);

    // A round of the checks that reads only part of a kind (its query's row bound reached) clears none of that kind:
    // a cause it did not see may stand, and a cleared record would not reopen for the same occurrence.
    await publishEvents(nc, goodCounts({ line: 'line-1', machine: 'press-1', n: 4, startMs: Date.now() - 4_000, prefix: 'abuse-l1' }));
    await eventually(async () => {
      const r = await api.inject({ method: 'POST', url: `/orders/plant1/${LINE1_ORDER}/quality-holds`, headers: auth('planner'), payload: { quantity: 1, defectText: 'scratch' } });
      return r.statusCode === 200 ? true : undefined;
    }, 'a first quality hold (the counts reached the order)');
    expect((await api.inject({ method: 'POST', url: `/orders/plant1/${LINE1_ORDER}/quality-holds`, headers: auth('planner'), payload: { quantity: 1, defectText: 'dent' } })).statusCode).toBe(200);
    await eventually(async () => ((await list('planner')).filter((e) => e.kind === 'quality-hold' && e.stage === 'exception-check').length === 2 ? true : undefined), 'both quality holds recorded');
    const round = await findExceptions(db, { holdUndecidedSeconds: 14_400, erpWaitSeconds: 1_800 }, 1);
    expect([round.found.filter((e) => e.kind === 'quality-hold').length, round.partial.has('quality-hold')]).toEqual([1, true]);
    expect(await clearGoneCauses(db, new Set(round.found.map((e) => e.causeKey)), round.partial)).toEqual([]);

    // A record resolved while its routing was not told (the API's signal lost after the commit): level 1 is not sent.
    await runRule('line-1', 'abuse:lost-signal', 'lost-signal probe');
    const probe = await recordOf((e) => e.causeKey === 'abuse:lost-signal', 'the probe record');
    await eventually(async () => (receivers.received.webhooks.some((w) => w.body.exception.id === probe.id) ? true : undefined), 'the probe at level 0');
    await resolveException(db, probe.id, 'test', { action: 'accept' });
    const handle = client.workflow.getHandle(exceptionWorkflowId(probe.id));
    // The level-0 timer fires after 4 s; the routing's second notify activity completes.
    await eventually(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      return events.filter((e) => e.activityTaskCompletedEventAttributes).length >= 3 ? true : undefined;
    }, 'the routing reaching level 1');
    expect(receivers.received.mails.filter((m) => m.raw.includes('lost-signal probe'))).toEqual([]);
    // ...and the routing ended by itself: no workflow left waiting for a signal that will never come.
    expect(await handle.result()).toEqual({ levelsNotified: 1 });
  }, 90_000);
});
