import { jetstream } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import type { ExceptionKind, ExceptionView } from '../../contracts/messages/exception.js';
import { ExceptionRoutingConfig } from '../../contracts/messages/exception-routing.js';
import { nowIso, publishException } from '../../jetstream/publish-exception.js';
import { auditLog } from '../../schema/index.js';
import { completeOrderSignal, exceptionWorkflowId, retryPostingSignal, statusQuery } from '../../workflows/definitions.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { exceptionServiceStarter, type ExceptionService } from '../helpers/exception-service.js';
import { goodCounts, holdEvent, publishEvents } from '../helpers/machine-events.js';
import { startNotifyReceivers } from '../helpers/notify-receivers.js';
import { releaseOrder } from '../helpers/release.js';

// Issue 14 items 1 and 2 on real servers: every exception kind produced, recorded once per cause, routed to a
// webhook, an SMTP server and the andon subject, escalated when nobody acknowledges, resolved through the API, audited.

const REJECTED = '3140002';
const QUALITY = '3140001';
let engine: TestEngine;
let api: FastifyInstance;
let receivers: Awaited<ReturnType<typeof startNotifyReceivers>>;
let service: ExceptionService;
let startService: () => Promise<ExceptionService>;
const andon: string[] = [];
const tokens: Record<'planner' | 'line2', string> = { planner: '', line2: '' };
const T0 = Date.now() - 60_000;

beforeAll(async () => {
  // The ERP refuses the order's confirmation and then the 262 that takes its backflush back: the compensation parks.
  const faults = { rejectOrders: [REJECTED], rejectMovements: [{ movementType: '262' as const, erpOrderId: REJECTED }] };
  [engine, receivers] = await Promise.all([startTestEngine({ faults }), startNotifyReceivers()]);
  const { db, nc, client } = engine.services;
  const routing = ExceptionRoutingConfig.parse({
    groups: {
      supervisors: { role: 'line supervisor', targets: [{ channel: 'webhook', url: receivers.webhookUrl }, { channel: 'andon' }] },
      managers: { role: 'plant manager', targets: [{ channel: 'email', to: ['manager@plant.test'] }] },
    },
    rules: [
      // Unknown machines escalate after a second unacknowledged; the rest wait two minutes (the test acknowledges first).
      { site: 'plant1', kinds: ['unknown-machine'], levels: [{ notify: ['supervisors'], escalateAfterSeconds: 1 }, { notify: ['managers'] }] },
      { site: 'plant1', levels: [{ notify: ['supervisors'], escalateAfterSeconds: 120 }, { notify: ['managers'] }] },
    ],
    smtp: { host: '127.0.0.1', port: receivers.smtpPort, from: 'mes@plant.test' },
    limits: { holdUndecidedSeconds: 1, erpWaitSeconds: 1 },
  });
  nc.subscribe('mes.plant1.*.andon', { callback: (_e, m) => void andon.push(m.subject) });
  startService = exceptionServiceStarter(engine, routing);
  service = await startService();
  api = await buildPlannerApi({ db, client, republish: async (s, p) => void (await jetstream(nc).publish(s, p)) });
  tokens.planner = await issueToken(db, 'exc-planner', 'planner');
  tokens.line2 = await issueToken(db, 'exc-line2', 'quality', [{ site: 'plant1', lines: ['line-2'] }]);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await service?.stop();
  await receivers?.stop();
  await engine?.stop();
});

const auth = (who: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[who]}` });
const list = async (who: keyof typeof tokens, query = 'state=unresolved'): Promise<ExceptionView[]> => {
  const r = await api.inject({ method: 'GET', url: `/exceptions?${query}`, headers: auth(who) });
  expect(r.statusCode).toBe(200);
  return r.json<{ exceptions: ExceptionView[] }>().exceptions;
};
const recordOf = (kind: ExceptionKind, match: (e: ExceptionView) => boolean = () => true) =>
  eventually(async () => (await list('planner')).find((e) => e.kind === kind && match(e)), `an open ${kind} exception`);
const post = async (id: number, verb: string, body: object, who: keyof typeof tokens = 'planner') =>
  api.inject({ method: 'POST', url: `/exceptions/${id}/${verb}`, headers: auth(who), payload: body });
const resolve = async (id: number, body: object) => {
  const r = await post(id, 'resolve', body);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<ExceptionView>();
};
const webhooksFor = (id: number) => receivers.received.webhooks.filter((w) => w.body.exception.id === id);


describe('exception inbox and routing', () => {
  it('records, routes, escalates and resolves every kind, with audit rows', async () => {
    const { db, nc, client } = engine.services;
    const js = jetstream(nc);

    // Bridge-side kinds: a malformed message, counts from an unknown machine (twice: one record), counts before any order.
    await js.publish('mes.plant1.line-1.press-1.counter', 'not json at all');
    await publishEvents(nc, goodCounts({ line: 'line-9', machine: 'ghost-1', n: 2, startMs: T0, prefix: 'exc-ghost-a' }));
    await publishEvents(nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 3, startMs: T0, delta: 2, prefix: 'exc-early' }));
    const early2 = goodCounts({ line: 'line-1', machine: 'press-2', n: 2, startMs: T0, prefix: 'exc-early2' });
    await publishEvents(nc, early2);
    const unknown = await recordOf('unknown-machine');
    await publishEvents(nc, goodCounts({ line: 'line-9', machine: 'ghost-1', n: 2, startMs: T0 + 10_000, prefix: 'exc-ghost-b' }));
    const unassigned = await recordOf('unassigned-production', (e) => e.evidence.machine === 'robot-1');
    const unassigned2 = await recordOf('unassigned-production', (e) => e.evidence.machine === 'press-2');
    const invalid = await recordOf('validation-failure');
    expect(invalid.evidence).toMatchObject({ subject: 'mes.plant1.line-1.press-1.counter' });

    // Workflow-side kinds: an order whose confirmation and its compensating 262 the ERP refuses, a quality hold on
    // another, counter holds left undecided.
    const quality = await releaseOrder(engine, QUALITY, 'line-2', '100');
    await publishEvents(nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 5, startMs: Date.now() - 5_000, delta: 2, prefix: 'exc-live' }));
    await eventually(async () => ((await quality.query(statusQuery)).good === 10 ? true : undefined), 'live counts on the quality order');
    const held = await api.inject({ method: 'POST', url: `/orders/plant1/${QUALITY}/quality-holds`, headers: auth('planner'), payload: { quantity: 2, defectText: 'burrs on edge' } });
    expect(held.statusCode, held.body).toBe(200);
    const rejected = await releaseOrder(engine, REJECTED, 'line-1', '10');
    await publishEvents(nc, goodCounts({ line: 'line-1', machine: 'press-1', n: 4, startMs: Date.now() - 4_000, prefix: 'exc-rej' }));
    await eventually(async () => ((await rejected.query(statusQuery)).good === 4 ? true : undefined), 'counts on the rejected order');
    await rejected.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
    const holdA = holdEvent('robot-1', 'line-2', Date.now() - 2_000, 500);
    const holdB = holdEvent('robot-1', 'line-2', Date.now() - 1_000, 700);
    await publishEvents(nc, [holdA, holdB]);
    // The run rules' checker is another component: its message, as it publishes it.
    await publishException(js, {
      kind: 'run-rule-warning', severity: 'info', site: 'plant1', line: 'line-2', erpOrderId: QUALITY, workflowId: quality.workflowId, stage: 'run-rules',
      causeKey: `run-rule:${QUALITY}:rate`, occurrence: 'r1', reason: 'rate 20% under the standard for 10 min', evidence: { rate: 0.8 },
      actions: ['accept', 'skip', 'escalate'], occurredAt: nowIso(),
    });

    // The order parks on the refused 262 (its confirmation's refusal comes after, once the 262 stands).
    const compensation = await recordOf('compensation-refused', (e) => e.erpOrderId === REJECTED);
    expect(compensation.evidence).toMatchObject({ request: { movementType: '262', erpOrderId: REJECTED }, erpMessage: expect.stringContaining('M7 021') });
    const qHold = await recordOf('quality-hold', (e) => e.erpOrderId === QUALITY);
    // The quality hold carries the workflow time it was taken: past the 1 s limit it is overdue like a counter hold.
    const qHoldId = (qHold.evidence.hold as { id: number; heldAt: string }).id;
    expect(Date.parse((qHold.evidence.hold as { heldAt: string }).heldAt)).toBeGreaterThan(T0);
    const qOverdue = await recordOf('hold-overdue', (e) => e.causeKey === `hold-overdue:quality:${quality.workflowId}:${qHoldId}`);
    expect(qOverdue).toMatchObject({ severity: 'critical', erpOrderId: QUALITY, line: 'line-2', actions: ['accept', 'skip', 'escalate'] });
    const hold = await recordOf('counter-hold', (e) => e.causeKey === `counter-hold:${holdA.eventId}`);
    const overdue = await recordOf('hold-overdue', (e) => e.causeKey === `hold-overdue:${holdB.eventId}`);
    const warning = await recordOf('run-rule-warning');
    const all = [invalid, unknown, unassigned, unassigned2, compensation, qHold, qOverdue, hold, overdue, warning];

    // Routed: each record's first level reached the webhook (once) and the andon board of its line.
    for (const e of all) await eventually(async () => (webhooksFor(e.id).length > 0 ? true : undefined), `webhook for ${e.kind}`);
    expect(andon).toContain('mes.plant1.line-2.andon');
    // A restart of the inbox (consumer, checks, routing worker) loses no routing and sends nothing twice.
    await service.stop();
    service = await startService();

    // Quiet repeats: the second batch of the ghost machine counted, not announced again.
    const repeated = await eventually(async () => {
      const e = (await list('planner')).find((x) => x.id === unknown.id);
      return e && e.repeatCount >= 2 ? e : undefined;
    }, 'the unknown machine repeat counted');
    expect(repeated.evidence.eventIds).toEqual(expect.arrayContaining(['exc-ghost-b:good:' + (T0 + 10_000)]));
    expect(webhooksFor(unknown.id).filter((w) => w.body.level === 0)).toHaveLength(1);

    // Escalated: nobody acknowledged the unknown machine within a second, so the managers got an e-mail.
    const mail = await eventually(async () => receivers.received.mails.find((m) => m.raw.includes('unknown-machine')), 'the escalation e-mail');
    expect(mail.to).toEqual(['manager@plant.test']);
    expect((await api.inject({ method: 'GET', url: `/exceptions/${unknown.id}`, headers: auth('planner') })).json<ExceptionView>().escalationLevel).toBe(1);

    // Scoped: the line-2 token lists line-2 only and is refused (and audited) another line's record.
    const line2 = await list('line2');
    expect(line2.length).toBeGreaterThan(0);
    expect(line2.every((e) => e.line === 'line-2')).toBe(true);
    expect((await api.inject({ method: 'GET', url: `/exceptions/${compensation.id}`, headers: auth('line2') })).statusCode).toBe(403);

    // Acknowledged records do not escalate; resolutions do the real thing.
    expect((await post(invalid.id, 'acknowledge', {})).json<ExceptionView>().state).toBe('acknowledged');
    expect((await post(compensation.id, 'assign', { to: 'erp-key-user' })).json<ExceptionView>().assignedTo).toBe('erp-key-user');
    expect((await post(invalid.id, 'resolve', { action: 'skip' })).statusCode).toBe(400); // a skip needs a reason
    await resolve(invalid.id, { action: 'skip', reason: 'test garbage' });
    await resolve(unknown.id, { action: 'skip', reason: 'ghost machine is a test rig' });
    const assigned = await resolve(unassigned.id, { action: 'assign', erpOrderId: QUALITY });
    expect(assigned.resolution).toMatchObject({ action: 'assign', effect: { assigned: 3, good: 6 } });
    await eventually(async () => ((await quality.query(statusQuery)).good === 16 ? true : undefined), 'assigned production counted');
    // Production given to an order outside the inbox (the planner's /unassigned/assign) closes its record as `assigned`.
    const given = await api.inject({ method: 'POST', url: '/unassigned/assign', headers: auth('planner'), payload: { site: 'plant1', erpOrderId: QUALITY, eventIds: early2.map((e) => e.eventId) } });
    expect(given.json()).toMatchObject({ assigned: 2, good: 2 });
    const closed = await eventually(async () => (await list('planner', 'state=resolved&kind=unassigned-production')).find((e) => e.id === unassigned2.id), 'the assigned record closed');
    expect(closed.resolution).toMatchObject({ action: 'assigned', effect: { assignedTo: [quality.workflowId] } });
    await resolve(hold.id, { action: 'accept', quantity: 5, reason: 'restart glitch, 5 real' });
    await eventually(async () => ((await quality.query(statusQuery)).good === 23 ? true : undefined), 'accepted hold counted');
    expect((await resolve(overdue.id, { action: 'skip', reason: 'counter swapped' })).resolution).toMatchObject({ effect: { hold: { status: 'rejected' } } });
    // Accepting the overdue record releases the quality hold itself; its quality-hold twin is cleared by the checks.
    expect((await resolve(qOverdue.id, { action: 'accept' })).resolution).toMatchObject({ effect: { qualityHold: qHoldId, decision: 'release' } });
    expect((await quality.query(statusQuery)).qualityHeld).toBe(0);

    // The stock is back in the ERP: the 262 would post now. Two people retry at once: one claims the record and
    // signals the order, the other gets 409 (a second signal would retry the next refusal unasked).
    engine.erpFaults.set({ rejectOrders: [REJECTED], unavailableOrders: [QUALITY] });
    const both = await Promise.all([post(compensation.id, 'resolve', { action: 'retry' }), post(compensation.id, 'resolve', { action: 'retry' })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const retrySignals = async () => (await client.workflow.getHandle(rejected.workflowId).fetchHistory()).events!
      .filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === retryPostingSignal.name).length;
    expect(await retrySignals()).toBe(1);
    const reversal = String(compensation.evidence.postingKey);
    await eventually(async () => ((await engine.erp.findPostings(reversal)).length === 1 ? true : undefined), 'the 262 in the ERP');
    // Parked again, now on the confirmation the ERP still refuses: a record of its own.
    const rejection = await recordOf('erp-rejection', (e) => e.erpOrderId === REJECTED);
    expect(rejection.evidence).toMatchObject({ postingKind: 'confirmation', erpMessage: expect.stringContaining('locked by user BOB') });

    // The ERP is down for the quality order only: its final posting waits past the 1 s limit.
    await quality.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
    const waiting = await recordOf('erp-wait-overdue', (e) => e.erpOrderId === QUALITY);
    expect(waiting.evidence).toMatchObject({ lastError: expect.stringMatching(/outage|unavailable/i) });
    all.push(rejection, waiting);
    for (const e of [rejection, waiting]) await eventually(async () => (webhooksFor(e.id).length > 0 ? true : undefined), `webhook for ${e.kind}`);
    expect(new Set(all.map((e) => e.kind)).size).toBe(10);

    // Skipped while the ERP is still down for it: once the posting stands, the checks would clear the record first.
    await resolve(waiting.id, { action: 'skip', reason: 'ERP back soon, it posts on its own' });
    engine.erpFaults.set({});
    await resolve(rejection.id, { action: 'retry' });
    await eventually(async () => ((await rejected.query(statusQuery)).phase === 'confirmed' ? true : undefined), 'the retried confirmation posted');
    expect(await retrySignals()).toBe(2);
    await eventually(async () => ((await quality.query(statusQuery)).phase === 'confirmed' ? true : undefined), 'the waiting order confirmed', 60_000);
    const escalated = await post(warning.id, 'resolve', { action: 'escalate' });
    expect(escalated.json<ExceptionView>().state).toBe('open');
    await eventually(async () => receivers.received.mails.find((m) => m.raw.includes('run-rule-warning')), 'the asked-for escalation');
    await resolve(warning.id, { action: 'accept' });
    expect((await post(warning.id, 'resolve', { action: 'accept' })).statusCode).toBe(409);

    // The holds' other records (hold B's counter-hold, hold A's overdue one) were decided through their twin: the checks clear them.
    await eventually(async () => ((await list('planner')).some((e) => [holdA.eventId, holdB.eventId].some((id) => e.causeKey.endsWith(id))) ? undefined : true), 'the holds\' twins cleared');
    const twin = (await list('planner', 'state=resolved&kind=counter-hold')).find((e) => e.causeKey === `counter-hold:${holdB.eventId}`)!;
    expect(twin.resolution).toMatchObject({ action: 'cleared' });
    const qTwin = await eventually(async () => (await list('planner', 'state=resolved&kind=quality-hold')).find((e) => e.id === qHold.id), 'the quality hold\'s record cleared');
    expect(qTwin.resolution).toMatchObject({ action: 'cleared' });
    all.push(twin);

    // Each routing ended with its record; no record of the test's causes is left open.
    for (const e of all) expect(await client.workflow.getHandle(exceptionWorkflowId(e.id)).result()).toMatchObject({ levelsNotified: expect.any(Number) });
    expect((await list('planner')).filter((e) => all.some((a) => a.id === e.id))).toEqual([]);
    // Only the asked-for escalations e-mailed: acknowledged records stayed at level 0.
    expect(receivers.received.mails).toHaveLength(2);
    const keys = receivers.received.webhooks.map((w) => w.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);

    const audits = (await db.select().from(auditLog)).filter((a) => a.target.startsWith('exception/') || a.action === 'refused-out-of-scope');
    const actions = (id: number) => audits.filter((a) => a.target === `exception/${id}`).map((a) => a.action);
    expect(actions(invalid.id)).toEqual(expect.arrayContaining(['exception-acknowledge', 'exception-skip']));
    expect(actions(compensation.id)).toEqual(expect.arrayContaining(['exception-assign', 'exception-retry']));
    expect(actions(rejection.id)).toEqual(['exception-retry']);
    expect(actions(unassigned2.id)).toEqual(['exception-assigned']);
    expect(actions(unassigned.id)).toContain('exception-assign');
    expect(actions(hold.id)).toContain('exception-accept');
    expect(actions(twin.id)).toEqual(['exception-cleared']);
    expect(actions(warning.id)).toEqual(expect.arrayContaining(['exception-escalate', 'exception-accept']));
    expect(audits.some((a) => a.action === 'refused-out-of-scope' && a.actor === 'exc-line2')).toBe(true);
    expect(audits.find((a) => a.target === `exception/${rejection.id}` && a.action === 'exception-retry')?.actor).toBe('exc-planner');
    expect(closed.resolvedBy).toBe('exception-check');
  }, 170_000);
});
