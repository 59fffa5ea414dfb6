/** A staged batch as the FIFO split sees it: its staging order is the array's; `remaining` in thousandths, may be 0. */
export interface StagedShare {
  id: number;
  batch: string;
  remaining: number;
}

/** A part of a component's issue charged to one staged batch, in thousandths. */
export interface BatchShare {
  id: number;
  batch: string;
  quantity: number;
}

/**
 * Splits a component's issue of `need` thousandths across the batches staged at the line, first staged first: each
 * gives what is left of it before the next is drawn. What no batch has left is charged to the last staged batch: the
 * line goes on using the batch it was given last (a staged quantity is a count at the line, not the ERP's stock, and
 * the ERP refuses a batch-managed 261 without a batch). No batch staged: nothing to charge, `[]`. Pure and
 * deterministic: the same input gives the same split.
 * @param need thousandths of the component's unit, > 0.
 */
export function splitFifo(need: number, staged: readonly StagedShare[]): BatchShare[] {
  if (staged.length === 0 || need <= 0) return [];
  const shares: BatchShare[] = [];
  let left = need;
  for (const s of staged) {
    if (left === 0) break;
    const take = Math.min(left, Math.max(0, s.remaining));
    if (take > 0) shares.push({ id: s.id, batch: s.batch, quantity: take });
    left -= take;
  }
  if (left > 0) {
    const last = staged[staged.length - 1]!;
    const mine = shares.find((s) => s.id === last.id);
    if (mine) mine.quantity += left;
    else shares.push({ id: last.id, batch: last.batch, quantity: left });
  }
  return shares;
}
