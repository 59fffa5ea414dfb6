import { fromThousandths, toThousandths } from '../contracts/decimal.js';

/**
 * Business rules a confirmation must pass before the ERP sees it. Pure, so they are unit-tested as plain code; the
 * activity turns a violation into a non-retryable `BusinessRuleViolation`, which parks the order for a person.
 */
export interface ConfirmationCheck {
  yieldQty: string;
  scrapQty: string;
  unit: string;
  /** Yield confirmed by earlier confirmations of the order. */
  confirmedBefore: number;
  plannedQuantity: string;
  overdeliveryTolerancePct: number;
  /** The material's base unit from master data; null when unknown (then only the order's unit is checked). */
  materialUnit: string | null;
  orderUnit: string;
  /** Good units counted on the order, and those of them under an open quality hold (never confirmable). */
  countedGood?: number;
  heldQty?: number;
}

export function confirmationViolations(c: ConfirmationCheck): string[] {
  const out: string[] = [];
  const yieldQty = Number(c.yieldQty);
  const scrapQty = Number(c.scrapQty);
  if (!(yieldQty >= 0) || !(scrapQty >= 0)) out.push(`quantities must be non-negative (yield ${c.yieldQty}, scrap ${c.scrapQty})`);
  if (c.unit !== c.orderUnit) out.push(`unit ${c.unit} differs from the order's unit ${c.orderUnit}`);
  if (c.materialUnit !== null && c.materialUnit !== c.orderUnit)
    out.push(`order unit ${c.orderUnit} differs from the material's base unit ${c.materialUnit}`);
  // In thousandths: ERP quantities have three decimals, and float noise must not reject an exact limit.
  const limit = Math.round((toThousandths(c.plannedQuantity) * (100 + c.overdeliveryTolerancePct)) / 100);
  const total = c.confirmedBefore * 1000 + toThousandths(c.yieldQty);
  if (total > limit)
    out.push(`confirmed yield ${fromThousandths(total)} would exceed order quantity ${c.plannedQuantity} + ${c.overdeliveryTolerancePct} % tolerance (${fromThousandths(limit)})`);
  if (c.countedGood !== undefined && c.confirmedBefore + yieldQty > c.countedGood - (c.heldQty ?? 0))
    out.push(`confirmed yield ${c.confirmedBefore + yieldQty} would exceed the ${c.countedGood} counted good less ${c.heldQty ?? 0} under quality hold`);
  return out;
}
