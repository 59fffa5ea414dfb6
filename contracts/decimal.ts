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
