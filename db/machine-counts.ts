import type pg from 'pg';
import type { CounterKind } from '../contracts/messages/machine-event.js';

/** One machine's new counts in one shift (summed by the caller or not: rows of the same key add up). */
export interface MachineCountItem {
  site: string;
  line: string;
  machine: string;
  shiftDate: string;
  shiftCode: string;
  counter: CounterKind;
  delta: number;
  /** Counter events the delta came from. */
  events: number;
}

/**
 * Inside the transaction that marked the events seen (or decided a hold): adds each machine's counts to its shift's
 * row in `machine_counts`. Summed per key here first, since one statement may not update a row twice.
 */
export async function addMachineCounts(c: pg.PoolClient, items: MachineCountItem[]): Promise<void> {
  if (items.length === 0) return;
  const rows = new Map<string, { i: MachineCountItem; good: number; scrap: number; total: number; events: number }>();
  for (const i of items) {
    const key = JSON.stringify([i.site, i.machine, i.shiftDate, i.shiftCode]);
    const r = rows.get(key) ?? { i, good: 0, scrap: 0, total: 0, events: 0 };
    r[i.counter] += i.delta;
    r.events += i.events;
    rows.set(key, r);
  }
  // Sorted, so two bridges' rounds lock shared rows in one order.
  const list = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  await c.query(
    `insert into machine_counts (site_code, machine_code, line_code, shift_date, shift_code, good, scrap, total, events)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
     on conflict (site_code, machine_code, shift_date, shift_code) do update set
       good = machine_counts.good + excluded.good, scrap = machine_counts.scrap + excluded.scrap,
       total = machine_counts.total + excluded.total, events = machine_counts.events + excluded.events, updated_at = now()`,
    [
      list.map((r) => r.i.site), list.map((r) => r.i.machine), list.map((r) => r.i.line), list.map((r) => r.i.shiftDate), list.map((r) => r.i.shiftCode),
      list.map((r) => r.good), list.map((r) => r.scrap), list.map((r) => r.total), list.map((r) => r.events),
    ],
  );
}
