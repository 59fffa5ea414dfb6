import type pg from 'pg';
import type { OutboxTarget } from '../contracts/messages/outbox-delta.js';
import type { Db } from './client.js';
import { insertHolds, type HoldRecord } from './counter-holds.js';
import { addMachineCounts, type MachineCountItem } from './machine-counts.js';
import type { UnassignedItem } from './unassigned-production.js';

// The signal bridge's outbox (schema/event-outbox.ts) in plain SQL: each statement takes whole arrays (`unnest`), so a
// round of 32,000 events is a handful of round trips, not one per event.

/** One workflow's delta of one round, as the bridge writes it. */
export interface OutboxWrite {
  workflowId: string;
  target: OutboxTarget;
  delta: unknown;
}

/** What a round wrote: the event ids that were new, and each outbox row with its sequence number. */
export interface RoundWrites<T> {
  fresh: Set<string>;
  built: T;
  rows: Array<OutboxWrite & { seq: number }>;
}

/** Runs `fn` in one transaction on one pool connection: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(db: Db, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await db.$client.connect();
  try {
    await c.query('begin');
    const r = await fn(c);
    await c.query('commit');
    return r;
  } catch (err) {
    await c.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/** Inside a transaction: keeps production no order took; a known event id is the same row. */
export async function insertUnassigned(c: pg.PoolClient, items: UnassignedItem[]): Promise<void> {
  if (items.length === 0) return;
  await c.query(
    `insert into unassigned_production (event_id, site_code, line_code, machine_code, source_time, good, scrap, reason)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bigint[], $7::bigint[], $8::text[])
     on conflict (event_id) do nothing`,
    [
      items.map((i) => i.count.eventId), items.map((i) => i.site), items.map((i) => i.line), items.map((i) => i.count.machine),
      items.map((i) => i.count.sourceTime), items.map((i) => i.count.good), items.map((i) => i.count.scrap), items.map((i) => i.reason),
    ],
  );
}

/**
 * One bridge round in one transaction: marks `eventIds` seen (those already seen are not returned), lets `build`
 * turn the new ones into per-workflow deltas, unassigned production, counter holds and per-machine counts, numbers
 * each workflow's delta from its head and writes it to the outbox. `beforeCommit` runs last inside the transaction
 * (the bridge publishes its exceptions there, so they go out at least once). Only after this returns may the round's messages be acked.
 *
 * Two bridges sharing the durable may hold the same ids or workflows in concurrent rounds: the seen-id insert and
 * the head bump each wait for the other transaction's row, so one of them gets the ids and each workflow's sequence
 * stays gap-free. Ids and heads are taken in sorted order, so two rounds cannot lock them in opposite orders.
 */
export async function commitRound<T extends { rows: OutboxWrite[]; unassigned: UnassignedItem[]; holds?: HoldRecord[]; machineCounts?: MachineCountItem[] }>(
  db: Db,
  eventIds: string[],
  build: (fresh: Set<string>) => T,
  beforeCommit?: (built: T) => Promise<void>,
): Promise<RoundWrites<T>> {
  return inTransaction(db, async (c) => {
    const ids = [...new Set(eventIds)].sort();
    const inserted = ids.length === 0 ? { rows: [] } : await c.query<{ event_id: string }>(
      'insert into seen_events (event_id) select unnest($1::text[]) order by 1 on conflict do nothing returning event_id',
      [ids],
    );
    const fresh = new Set(inserted.rows.map((r) => r.event_id));
    const built = build(fresh);
    const rows = await appendOutbox(c, built.rows);
    await insertUnassigned(c, built.unassigned);
    if (built.holds) await insertHolds(c, built.holds);
    if (built.machineCounts) await addMachineCounts(c, built.machineCounts);
    await beforeCommit?.(built);
    return { fresh, built, rows };
  });
}

/**
 * Inside a transaction: numbers each workflow's delta from its head (at most one write per workflow) and writes it to
 * the outbox, where a relay sends it (bridge/relay.ts). The bridge's rounds and an accepted counter hold take this
 * one path, so the workflow's high-water mark applies each row once, whoever wrote it.
 */
export async function appendOutbox(c: pg.PoolClient, outboxWrites: OutboxWrite[]): Promise<Array<OutboxWrite & { seq: number }>> {
  if (outboxWrites.length === 0) return [];
  const writes = [...outboxWrites].sort((a, b) => (a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0));
  const heads = await c.query<{ workflow_id: string; last_seq: string }>(
    `insert into outbox_heads (workflow_id, last_seq) select unnest($1::text[]), 1 order by 1
     on conflict (workflow_id) do update set last_seq = outbox_heads.last_seq + 1 returning workflow_id, last_seq`,
    [writes.map((w) => w.workflowId)],
  );
  const seqOf = new Map(heads.rows.map((h) => [h.workflow_id, Number(h.last_seq)]));
  const rows = writes.map((w) => ({ ...w, seq: seqOf.get(w.workflowId)! }));
  await c.query(
    'insert into outbox (workflow_id, seq, target, delta) select * from unnest($1::text[], $2::bigint[], $3::jsonb[], $4::jsonb[])',
    [rows.map((r) => r.workflowId), rows.map((r) => r.seq), rows.map((r) => JSON.stringify(r.target)), rows.map((r) => JSON.stringify(r.delta))],
  );
  return rows;
}

/** A workflow's next range to send: its lowest pending seq up to the range's sealed end, with the rows' deltas. */
export interface OutboxRange {
  workflowId: string;
  target: OutboxTarget;
  fromSeq: number;
  toSeq: number;
  deltas: unknown[];
}

type RangeRow = { seq: string; range_to: string | null; target: OutboxTarget; delta: unknown };

/**
 * Seals and reads the workflow's next range. The lowest pending row is the lowest undelivered seq (rows are deleted
 * only once their signal was accepted, lowest first), so a range never leaves a gap. Its end is written on that row
 * once (`coalesce` keeps the first writer's end; the row lock makes a racing relay wait and read it): whoever sends
 * from that row later, this process again after a failure or another bridge, sends the same range with the same sums,
 * which the workflow's high-water mark applies once. Returns null when nothing is pending.
 */
export async function sealNextRange(db: Db, workflowId: string, maxRows: number, maxBytes = 512_000): Promise<OutboxRange | null> {
  for (;;) {
    const read = await db.$client.query<RangeRow>(
      'select seq, range_to, target, delta from outbox where workflow_id = $1 order by seq limit $2',
      [workflowId, maxRows],
    );
    const first = read.rows[0];
    if (!first) return null;
    let rangeTo = first.range_to === null ? null : Number(first.range_to);
    if (rangeTo === null) {
      // A shift's state changes travel one by one: keep the summed signal far below Temporal's 2 MB payload limit.
      let end = first.seq;
      let bytes = 0;
      for (const r of read.rows) {
        bytes += JSON.stringify(r.delta).length;
        if (bytes > maxBytes && r !== first) break;
        end = r.seq;
      }
      const sealed = await db.$client.query<{ range_to: string }>(
        'update outbox set range_to = coalesce(range_to, $3) where workflow_id = $1 and seq = $2 returning range_to',
        [workflowId, first.seq, end],
      );
      // Gone meanwhile: another relay delivered it. Start again from the new lowest row.
      if (sealed.rows.length === 0) continue;
      rangeTo = Number(sealed.rows[0]!.range_to);
    }
    let rows = read.rows.filter((r) => Number(r.seq) <= rangeTo!);
    if (Number(rows.at(-1)!.seq) < rangeTo) {
      // Another relay sealed a longer range than this one read: read exactly that range.
      rows = (await db.$client.query<RangeRow>(
        'select seq, range_to, target, delta from outbox where workflow_id = $1 and seq between $2 and $3 order by seq',
        [workflowId, first.seq, rangeTo],
      )).rows;
      if (Number(rows[0]?.seq) !== Number(first.seq)) continue;
    }
    return { workflowId, target: first.target, fromSeq: Number(first.seq), toSeq: rangeTo, deltas: rows.map((r) => r.delta) };
  }
}

/** The range was accepted by its workflow: its rows are done. */
export async function deleteThrough(db: Db, workflowId: string, toSeq: number): Promise<void> {
  await db.$client.query('delete from outbox where workflow_id = $1 and seq <= $2', [workflowId, toSeq]);
}

/** The order is gone: the range's pieces become unassigned production in the transaction that removes its rows. */
export async function moveToUnassigned(db: Db, workflowId: string, toSeq: number, items: UnassignedItem[]): Promise<void> {
  await inTransaction(db, async (c) => {
    await insertUnassigned(c, items);
    await c.query('delete from outbox where workflow_id = $1 and seq <= $2', [workflowId, toSeq]);
  });
}

/** Workflows with rows waiting: what a relay picks up at start and on its periodic sweep (a dead bridge's rows too). */
export async function workflowsWithPending(db: Db): Promise<string[]> {
  const r = await db.$client.query<{ workflow_id: string }>('select distinct workflow_id from outbox');
  return r.rows.map((x) => x.workflow_id);
}

/** Deletes seen ids older than `retentionMs`, a batch per statement so no statement holds many row locks for long. */
export async function pruneSeenEvents(db: Db, retentionMs: number, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await db.$client.query(
      `delete from seen_events where event_id in (
         select event_id from seen_events where seen_at < now() - $1::bigint * interval '1 millisecond' limit $2)`,
      [retentionMs, batch],
    );
    total += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < batch) return total;
  }
}
