import type { z } from 'zod';
import { ErpRejected, type MovementType, type StockType } from '../../contracts/erp-port.js';
import { SAP_BLOCKED_STOCK_TYPE, SAP_BLOCKED_USABILITY } from '../../contracts/messages/sap-odata.js';

// SAP's side of the port's values: field shapes checked at the boundary, movement codes, and date formats on the wire.

/**
 * SAP's shape of one field, checked at the adapter's boundary: the port takes generic order numbers, operations and
 * plants (contracts/tokens.ts), SAP holds narrower ones (`SapOrderNumber`, `SapOperation`, `SapPlant`,
 * `SapStorageLocation` in contracts/messages/sap-odata.ts). A value SAP cannot take is refused before SAP sees it,
 * as a non-retryable `ErpRejected` that names the document, the field, the value and SAP's rule:
 * `SAP confirmation work-order:plant1:1234567890123#1: erpOrderId "1234567890123" must be 1-12 of 0-9 and A-Z (SAP AUFNR)`.
 */
export function sapField<S extends z.ZodType>(schema: S, value: unknown, field: string, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ErpRejected(`SAP ${what}: ${field} ${JSON.stringify(value)} ${r.error.issues[0]?.message ?? 'is not valid'}`);
  return r.data;
}

/**
 * The port's movements (`MovementType`) as SAP posts them: the movement type (GoodsMovementType, BWART), the goods
 * movement code (GoodsMovementCode, GMCODE: 02 goods receipt for a production order, 03 goods issue, 04 transfer
 * posting), for a receipt or its reversal the reference to the production order (GoodsMovementRefDocType F), and
 * `withoutOrder` for the movements of blocked stock that SAP does not post against the order: a transfer posting
 * (343, 344) takes no account assignment at all, and a withdrawal for scrapping (555, 556) is a goods issue without
 * reference whose value goes to a scrap account and a cost center, not to the order (SAP's standard movement types,
 * T156 / OMJJ). Those carry the order number in the item text instead (`orderItemText`). The port named its
 * movements after SAP's numbers, so the types map to themselves; the map is here so SAP's codes live in one place.
 */
export const SAP_MOVEMENT: Record<MovementType, { type: MovementType; code: '02' | '03' | '04'; refDocType?: 'F'; withoutOrder?: true }> = {
  '261': { type: '261', code: '03' }, // goods issue to the order
  '262': { type: '262', code: '03' }, // its reversal
  '101': { type: '101', code: '02', refDocType: 'F' }, // goods receipt from the order
  '102': { type: '102', code: '02', refDocType: 'F' }, // its reversal
  '343': { type: '343', code: '04', withoutOrder: true }, // transfer posting: blocked to unrestricted
  '344': { type: '344', code: '04', withoutOrder: true }, // transfer posting: unrestricted to blocked
  '555': { type: '555', code: '03', withoutOrder: true }, // withdrawal for scrapping from blocked stock
  '556': { type: '556', code: '03', withoutOrder: true }, // its reversal
};

/** The movements SAP holds without the order (`SAP_MOVEMENT` `withoutOrder`): the order's list finds them by item text. */
export const MOVEMENTS_WITHOUT_ORDER: readonly string[] = (Object.keys(SAP_MOVEMENT) as MovementType[]).filter((t) => SAP_MOVEMENT[t].withoutOrder);

/**
 * The item text (MaterialDocumentItemText, SGTXT) of a movement of blocked stock: the order number, so the order's
 * list finds the movements SAP holds without the order (`MOVEMENTS_WITHOUT_ORDER`), and a person in SAP (MIGO, MB51)
 * sees which order the held units came from. Undefined for every other movement, which leave the text to SAP's users.
 */
export function orderItemText(movementType: MovementType, stockType: StockType | undefined, order: string): string | undefined {
  return SAP_MOVEMENT[movementType].withoutOrder || stockType === 'blocked' ? order : undefined;
}

/**
 * The stock a 101 or 102 item moved, as the port says it: `blocked` when SAP holds it as blocked stock
 * (InventoryStockType `07`, the stock identifier SAP derives from the item's InventoryUsabilityCode `S`; or that
 * code itself where an item carries it), else `unrestricted`. The adapter `$select`s InventoryStockType only
 * (`MaterialDocumentItemRead`: every release's service has it).
 */
export function stockTypeFromSap(i: { InventoryUsabilityCode?: string | undefined; InventoryStockType?: string | undefined }): StockType {
  return i.InventoryUsabilityCode === SAP_BLOCKED_USABILITY || i.InventoryStockType === SAP_BLOCKED_STOCK_TYPE ? 'blocked' : 'unrestricted';
}

/** Edm.DateTime in OData v2 JSON: `/Date(<ms since epoch>)/`, midnight UTC of the posting day. */
export const today = () => `/Date(${Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate())})/`;

/**
 * A calendar date `YYYY-MM-DD` (the port's posting and document dates, already the plant's) as SAP's Edm.DateTime
 * for a date field: midnight UTC of that day, `/Date(1774915200000)/` for 2026-03-31. SAP reads the day, no zone.
 */
export const sapDate = (date: string) => `/Date(${Date.parse(`${date}T00:00:00Z`)})/`;

/** Back from an Edm.DateTime date field to `YYYY-MM-DD`; null when SAP holds no date. */
export function dateFromSap(date: string | null | undefined): string | null {
  const ms = date && /\/Date\((-?\d+)[^)]*\)\//.exec(date)?.[1];
  return ms ? new Date(Number(ms)).toISOString().slice(0, 10) : null;
}

/** An instant as SAP's date + time pair: Edm.DateTime at midnight UTC and Edm.Time `PThhHmmMssS`. */
export function sapDateTime(iso: string): { date: string; time: string } {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    date: `/Date(${Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())})/`,
    time: `PT${p(d.getUTCHours())}H${p(d.getUTCMinutes())}M${p(d.getUTCSeconds())}S`,
  };
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();
/** Milliseconds `timeZone`'s wall clock is ahead of UTC at the instant `ms`. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  let f = wallClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    wallClocks.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000;
}

/**
 * Back from SAP's pair to an ISO instant; null when SAP holds no date. `timeZone` is the zone SAP's pair is written
 * in: UTC for the fields SAP keeps in UTC; the plant's zone for a production order's planned dates and times
 * (MfgOrderPlannedStartDate/Time: "basic start date/time", CAUFV GSTRP/GSUZP, which SAP keeps as the plant's local
 * date and time, with no zone). A wall time that a clock change skips or repeats is taken at the offset before it.
 */
export function isoFromSap(date: string | null, time: string, timeZone = 'UTC'): string | null {
  const ms = date && /\/Date\((-?\d+)[^)]*\)\//.exec(date)?.[1];
  if (!ms) return null;
  const t = /^PT(\d+)H(\d+)M(\d+)S$/.exec(time);
  const wall = Number(ms) + (t ? ((Number(t[1]) * 60 + Number(t[2])) * 60 + Number(t[3])) * 1000 : 0);
  if (timeZone === 'UTC') return new Date(wall).toISOString();
  // The wall time read as UTC, moved by the zone's offset; the offset looked up again at the result (near a change).
  const first = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(first, timeZone)).toISOString();
}
