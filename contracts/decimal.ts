/**
 * ERP quantities are decimal strings with at most three places. They are computed in integer thousandths, never in
 * floats, so 0.1 x 3 is "0.3" and two sums of the same documents never differ. Pure: workflows use it too.
 */
export function toThousandths(decimal: string): number {
  const negative = decimal.startsWith('-');
  const [int = '0', frac = ''] = decimal.replace(/^[-+]/, '').split('.');
  const n = Number(int) * 1000 + Number(frac.padEnd(3, '0').slice(0, 3));
  return negative ? -n : n;
}

export function fromThousandths(n: number): string {
  const abs = Math.abs(Math.round(n));
  const frac = String(abs % 1000).padStart(3, '0').replace(/0+$/, '');
  const digits = frac ? `${Math.trunc(abs / 1000)}.${frac}` : String(Math.trunc(abs / 1000));
  return n < 0 && abs > 0 ? `-${digits}` : digits;
}

/** A decimal as the contracts speak it: SAP's "100.000" and PostgreSQL's "1.500" become "100" and "1.5". */
export const canonicalDecimal = (v: string): string => fromThousandths(toThousandths(v));

/** num / den rounded half up (both non-negative), in integers: no float ever touches a quantity. */
const divRound = (num: bigint, den: bigint): bigint => (2n * num + den) / (2n * den);

/**
 * What a component needs for `yieldQty` good units of the order, in thousandths: RequiredQuantity x yield /
 * TotalQuantity for a component of the ERP's order (SAP plans the requirement for the order quantity and backflushes
 * in proportion to the confirmed yield), quantityPer x yield for a plant-file BOM item. Rounded half up once, for the
 * whole yield, never per piece: to the unit's `decimals` (SAP T006 ANDEC, 0 for piece) where known, else to 0.001.
 * The backflush (workflows/backflush.ts) and reconciliation both count with it.
 */
export function componentNeed(
  item: { quantityPer: string; required?: { quantity: string; forOrderQuantity: string }; decimals?: number },
  yieldQty: number,
): bigint {
  const yieldMilli = BigInt(Math.round(yieldQty * 1000));
  // One step of the unit's last decimal, in thousandths: 1000 for a unit without decimals.
  const step = 10n ** BigInt(3 - Math.min(3, Math.max(0, item.decimals ?? 3)));
  const total = item.required ? BigInt(toThousandths(item.required.forOrderQuantity)) : 0n;
  const [num, den] = item.required && total > 0n
    ? [BigInt(toThousandths(item.required.quantity)) * yieldMilli, total]
    : [BigInt(toThousandths(item.quantityPer)) * yieldMilli, 1000n];
  return divRound(num, den * step) * step;
}
