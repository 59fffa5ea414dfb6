import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { Token } from '../contracts/tokens.js';
import type { HoldRecord } from '../db/counter-holds.js';
import type { UnassignedItem } from '../db/unassigned-production.js';
import { nowIso, publishException } from '../jetstream/publish-exception.js';

const tokenOr = (t: string | undefined, fallback: string | null) => (t !== undefined && Token.safeParse(t).success ? t : fallback);

/**
 * Publishes why a consumed message was not applied, with the message itself, as a `validation-failure` on
 * `ops.<site>.exception.<stage>`; the site is the subject's second token when it is a valid one, the line its third
 * for a machine event (`mes.<site>.<line>.<machine>.<kind>`). A malformed message is shown by its first 10 kB
 * (`payloadChars`), and the same fault from the same subject is one record with a count; a valid one that is parked
 * (bridge/signal-bridge.ts, `payloadChars` Infinity) travels whole and is its own record, since the exception is then the
 * only copy of production the contract accepted, which the `retry` action publishes again.
 */
export async function publishMessageException(js: JetStreamClient, m: JsMsg, stage: string, reason: string, payloadChars = 10_000): Promise<void> {
  const tokens = m.subject.split('.');
  const site = tokenOr(tokens[1], 'unknown')!;
  const line = tokens[0] === 'mes' && tokens.length === 5 ? tokenOr(tokens[2], null) : null;
  const parked = payloadChars === Infinity;
  const payload = m.string().slice(0, payloadChars);
  await publishException(js, {
    kind: 'validation-failure', severity: parked ? 'critical' : 'warning', site, line, erpOrderId: null, workflowId: null, stage,
    causeKey: parked ? `parked:${m.subject}:${m.seq}` : `invalid:${stage}:${m.subject}:${reason.slice(0, 120)}`,
    occurrence: `${m.subject}:${m.seq}`, reason: reason.slice(0, 4000),
    evidence: { subject: m.subject, seq: m.seq, payload, parked },
    actions: parked ? ['retry', 'skip', 'escalate'] : ['skip', 'escalate'], occurredAt: nowIso(),
  }, { subject: m.subject, seq: m.seq, payload });
}

/**
 * Tells the site's people about production no order took, one exception per line, machine and reason
 * (`unknown-machine` for a machine the plant model does not know, else `unassigned-production`): the counts of one
 * machine arriving all shift long are one record with a count, which `assign` gives to an order.
 */
export async function publishUnassignedExceptions(js: JetStreamClient, items: UnassignedItem[]): Promise<void> {
  const groups = new Map<string, UnassignedItem[]>();
  for (const u of items) {
    const k = `${u.site}\n${u.line}\n${u.count.machine}\n${u.reason}`;
    groups.set(k, [...(groups.get(k) ?? []), u]);
  }
  for (const list of groups.values()) {
    const { site, line, reason, count: { machine } } = list[0]!;
    const kind = reason === 'unknown-machine' ? 'unknown-machine' : 'unassigned-production';
    const good = list.reduce((s, u) => s + u.count.good, 0);
    await publishException(js, {
      kind, severity: 'warning', site, line: tokenOr(line, null), erpOrderId: null, workflowId: null, stage: 'signal-bridge',
      causeKey: `${kind}:${site}:${line}:${machine}:${reason}`, occurrence: list[0]!.count.eventId,
      reason: kind === 'unknown-machine'
        ? `${good} pieces from machine ${machine} on ${line}, which the plant model does not know: kept as unassigned production`
        : `${good} pieces from ${machine} on ${line} with no order to take them (${reason}): kept as unassigned production`,
      evidence: { machine, reason, eventIds: list.map((u) => u.count.eventId), good, scrap: list.reduce((s, u) => s + u.count.scrap, 0) },
      actions: ['assign', 'skip', 'escalate'], occurredAt: list[0]!.count.sourceTime,
    }, { unassigned: list.map((u) => ({ eventId: u.count.eventId, machine: u.count.machine, reason: u.reason })) });
  }
}

/**
 * Tells the site's people about a counter hold (kind `counter-hold`): the readings the edge refused to count, the
 * pieces they would mean, the order in context, and where to decide. Nothing of it was counted.
 */
export async function publishHoldException(js: JetStreamClient, h: HoldRecord): Promise<void> {
  const e = h.hold;
  const decide = `POST /production/holds/${encodeURIComponent(e.eventId)}/accept or /reject`;
  const hold = {
    eventId: e.eventId, site: e.site, line: e.line, machine: e.machine, tag: e.tag, counter: e.counter, reason: e.reason,
    delta: e.delta, limit: e.limit ?? null, elapsedMs: e.elapsedMs, raw: e.raw, readings: e.readings, sourceTime: e.sourceTime,
    countingPoint: h.countingPoint, order: h.order,
  };
  await publishException(js, {
    kind: 'counter-hold', severity: 'warning', site: e.site, line: e.line, erpOrderId: h.order?.erpOrderId ?? null, workflowId: h.order?.workflowId ?? null,
    stage: 'counter-hold', causeKey: `counter-hold:${e.eventId}`, occurrence: e.eventId,
    reason: `${e.machine} ${e.tag}: ${e.delta} ${e.counter} pieces held (${e.reason}${e.limit === undefined ? '' : `, limit ${e.limit} in ${e.elapsedMs} ms`}), not counted until a person accepts them`,
    evidence: { hold }, actions: ['accept', 'skip', 'escalate'], occurredAt: e.sourceTime,
  }, { hold, decide });
}
