import { z } from 'zod';
import { CostCenter, DecimalString, MaterialCode, TimeZone, Token, UnitOfMeasure } from '../tokens.js';
import { EVENT_ID_SUFFIX_MAX, MachineOpcua } from './edge-config.js';
import { EVENT_ID_MAX } from './machine-event.js';
import { OrderReleased } from './order-release.js';
import { SapPlant, SapStorageLocation } from './sap-odata.js';
import { SiteDowntimeConfig } from './downtime-config.js';
import { checkPlantDowntime } from './downtime-plant-check.js';
import { SiteQualityConfig } from './inspection.js';
import { checkPlantQuality } from './inspection-plant-check.js';
import { PlantShiftCalendar, type SiteShiftCalendars } from './shift-calendar.js';

/** `opcua` is read by the edge gateway only; a machine without it is simply not read. */
const Machine = z.object({
  /**
   * The machine's identity in the engine, unique in its site (not only in its line): machine events are routed by
   * (site, machine), the machines table is keyed so, and the machine decides the line and so the order its pieces go
   * to. The plant file refuses a code used twice in a site; the bridge parks an event naming another line.
   */
  code: Token,
  name: z.string().min(1),
  /**
   * Seconds per piece at the machine's rated speed (OEE's ideal cycle time). The edge holds a counter delta larger
   * than the machine can make in the elapsed time at this speed (with the tag's margin) instead of counting it.
   */
  idealCycleTimeS: z.number().positive().max(86_400).optional(),
  /** Downtime of the machine is charged here when its reason names no cost center; absent: the line's. */
  costCenter: CostCenter.optional(),
  opcua: MachineOpcua.optional(),
}).superRefine((m, ctx) => {
  if (m.idealCycleTimeS === undefined && m.opcua?.tags.some((t) => t.kind === 'counter'))
    ctx.addIssue({
      code: 'custom',
      path: ['idealCycleTimeS'],
      message: 'required for a machine with counter tags: the edge counts no more pieces than the machine can make at this speed (seconds per piece)',
    });
  // Every event id is `<machine>:<tag>:...` and the contract bounds it: a tag whose ids cannot fit is refused here,
  // not found out when the gateway's flush refuses its events.
  m.opcua?.tags.forEach((t, i) => {
    const longest = m.code.length + 1 + t.name.length + EVENT_ID_SUFFIX_MAX;
    if (longest > EVENT_ID_MAX)
      ctx.addIssue({
        code: 'custom',
        path: ['opcua', 'tags', i, 'name'],
        message: `machine code (${m.code.length}) and tag name (${t.name.length}) too long together: event ids would reach ${longest} characters, the machine-event contract allows ${EVENT_ID_MAX}`,
      });
  });
});

const Line = z.object({
  code: Token,
  name: z.string().min(1),
  costCenter: CostCenter,
  /**
   * Plant and storage location are held to SAP's four characters here, as they always were (every plant file so far
   * posts to SAP or to the simulator, and test/unit/db/plant-model.test.ts pins the message); the port takes any
   * `Plant` and `StorageLocation` (contracts/tokens.ts). A plant file for another ERP needs these two widened.
   */
  erpPlant: SapPlant,
  storageLocation: SapStorageLocation,
  machines: z.array(Machine).min(1),
  /**
   * The machines whose good and scrap counts are the order's quantity (the line's output). Machines in series each
   * count the same piece, so only the counting point may add to the order; the others' counts are machine-level
   * data (OEE). Required when more than one machine of the line has a counter tag; otherwise `countingPointsOf`
   * gives the default.
   */
  countingPoints: z.array(Token).min(1).optional(),
  /**
   * The ERP work center(s) of the line (SAP ARBPL, CHAR 8): an order from SAP whose operation runs at one of them is
   * placed on this line (services/sap-intake.ts). Needed when several lines share an ERP plant.
   */
  erpWorkCenters: z.array(z.string().regex(/^[A-Z0-9_-]{1,8}$/, 'must be 1-8 of A-Z, 0-9, _ and - (SAP ARBPL)')).min(1).optional(),
});
type Line = z.infer<typeof Line>;

const hasCounterTag = (m: Line['machines'][number]) => (m.opcua?.tags ?? []).some((t) => t.kind === 'counter');

/**
 * The machines whose counts are the line's (and so its orders') quantity: `countingPoints` when given; else the one
 * machine with a counter tag, or every machine when none has one (their counts then come from elsewhere than this
 * file's tags, and a line whose counters the file does not describe cannot be judged here). A one-machine line is
 * its own counting point.
 */
export function countingPointsOf(line: Pick<Line, 'machines' | 'countingPoints'>): string[] {
  if (line.countingPoints) return [...new Set(line.countingPoints)];
  const counting = line.machines.filter(hasCounterTag);
  return (counting.length === 1 ? counting : line.machines).map((m) => m.code);
}

/**
 * Issues of one line's counting points: each names a machine of the line; several counters require them; and when the
 * file describes the line's counters, each counting point has one (a counting point without counter tags would leave
 * the order at 0 while the machines with counters count for OEE only).
 */
function checkCountingPoints(line: Line, path: Array<string | number>, addIssue: (path: Array<string | number>, message: string) => void): void {
  const codes = new Set(line.machines.map((m) => m.code));
  const counting = line.machines.filter(hasCounterTag).map((m) => m.code);
  if (line.countingPoints) {
    line.countingPoints.forEach((c, k) => {
      if (!codes.has(c)) addIssue([...path, 'countingPoints', k], `unknown machine ${c} in line ${line.code} (its machines: ${[...codes].join(', ')})`);
      else if (counting.length > 0 && !counting.includes(c))
        addIssue(
          [...path, 'countingPoints', k],
          `machine ${c} of line ${line.code} has no counter tag, so it would count nothing toward the order; ` +
            `the line's machines with counter tags: ${counting.join(', ')}`,
        );
    });
    return;
  }
  if (counting.length > 1)
    addIssue(
      [...path, 'countingPoints'],
      `required: machines ${counting.join(', ')} of line ${line.code} all have counter tags; name the machine(s) whose output is the ` +
        `order's output, e.g. countingPoints: [${counting.at(-1)}] for machines in series, or all of them for machines in parallel`,
    );
}

/**
 * Each machine code once in a site: the code is the machine's identity in the engine (routing and the machines table
 * go by site and code), so a second `press-1` on another line would take over the first one's events and orders.
 */
function checkMachineCodes(site: z.infer<typeof Site>, path: Array<string | number>, addIssue: (path: Array<string | number>, message: string) => void): void {
  const first = new Map<string, string>();
  site.lines.forEach((l, j) =>
    l.machines.forEach((m, k) => {
      const other = first.get(m.code);
      if (other === undefined) first.set(m.code, l.code);
      else
        addIssue(
          [...path, 'lines', j, 'machines', k, 'code'],
          `machine ${m.code} is already a machine of line ${other}${other === l.code ? ' (this line)' : ''} in site ${site.code}: ` +
            'a machine code is the machine\'s identity in its site, give each machine its own',
        );
    }),
  );
}

const Site = z.object({
  code: Token,
  name: z.string().min(1),
  /** IANA name; the site's shift calendars are read in it (shifts/). */
  timezone: TimeZone,
  costCenters: z.array(z.object({ code: CostCenter, name: z.string().min(1) })).min(1),
  lines: z.array(Line).min(1),
});

const BomItem = z.object({ component: MaterialCode, quantityPer: DecimalString, unit: UnitOfMeasure });

const Material = z.object({
  code: MaterialCode,
  description: z.string().min(1).max(40),
  unit: UnitOfMeasure,
  bom: z.array(BomItem).default([]),
  /** Each finished unit gets a serial number when confirmed (docs/genealogy.md). */
  serialized: z.boolean().default(false),
  /**
   * The ERP manages the material in batches (SAP: MARA-XCHPF, batch management requirement): every goods receipt from
   * an order names the order's finished batch (SAP `Batch` on the 101), else the ERP refuses it (docs/genealogy.md).
   */
  batchManaged: z.boolean().default(false),
});

/**
 * One unit of the plant as the ERP knows it: the MES unit (as materials, BOMs and releases write it), SAP's ISO code
 * (T006 ISOCODE: PCE for piece, KGM for kilogram) and SAP's commercial code in the language the adapter pins
 * (SAP_LANGUAGE, English by default: PC). ISO codes travel where SAP's entity has them (ConfirmationUnitISOCode),
 * commercial codes where it has only those (EntryUnit); see docs/erp-s4hana.md.
 */
const ErpUnit = z.object({
  unit: UnitOfMeasure,
  iso: z.string().regex(/^[A-Z0-9]{1,3}$/, 'must be a 1-3 character ISO unit code like PCE or KGM'),
  commercial: z.string().regex(/^[A-Z0-9]{1,3}$/, 'must be a 1-3 character SAP commercial unit like PC or KG'),
  /**
   * Decimal places SAP rounds quantities of the unit to (T006 ANDEC, "decimal places for rounding": 0 for piece): the
   * backflush of an order's components rounds to them. Absent: 3, the contracts' scale.
   */
  decimals: z.number().int().min(0).max(3).optional(),
});

/** The plant model and demo seed: master data the engine needs before the first event arrives. */
export const PlantModel = z
  .object({
    v: z.literal(1),
    sites: z.array(Site).min(1),
    materials: z.array(Material).min(1),
    demoOrders: z.array(OrderReleased).default([]),
    /** MES unit -> ERP unit codes; when present, every unit of materials, BOMs and demo orders must be in it. */
    erpUnits: z.array(ErpUnit).min(1).optional(),
    /**
     * The first day of each of the ERP's posting periods, ascending, when they are not calendar months (SAP: the
     * company code's fiscal year variant, e.g. a 4-4-5 calendar, transaction OB29); absent: calendar months. The
     * closed-period policy moves a posting refused for a closed period to these dates (erp/posting-period.ts).
     */
    erpPostingPeriods: z
      .array(z.iso.date({ error: 'must be a date YYYY-MM-DD' }))
      .min(1)
      .refine((d) => d.every((x, i) => i === 0 || x > d[i - 1]!), 'must be ascending, without repeats')
      .optional(),
    /**
     * Shift calendars (contracts/messages/shift-calendar.ts): one per site, and one per line that works to its own;
     * a line without one works to its site's, a site without one to A 06-14, B 14-22, C 22-06 every day.
     */
    shiftCalendars: z.array(PlantShiftCalendar).optional(),
    /**
     * Downtime reasons and OEE master data per site (contracts/messages/downtime-config.ts); a site without them
     * posts every non-running stretch as a malfunction report with its state as the reason, as the engine always did.
     */
    downtime: z.array(SiteDowntimeConfig).optional(),
    /** Inspection characteristics per site (contracts/messages/inspection.ts, docs/quality.md); a site without them holds nothing on its own. */
    quality: z.array(SiteQualityConfig).optional(),
  })
  .superRefine((plant, ctx) => {
    if (plant.erpUnits) checkErpUnits(plant as PlantModelInput, ctx);
    checkShiftCalendars(plant, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkPlantDowntime(plant, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkPlantQuality(plant, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    const materials = new Set(plant.materials.map((m) => m.code));
    plant.materials.forEach((m, i) =>
      m.bom.forEach((b, j) => {
        if (!materials.has(b.component))
          ctx.addIssue({ code: 'custom', path: ['materials', i, 'bom', j, 'component'], message: `unknown material ${b.component}` });
      }),
    );
    plant.sites.forEach((s, i) => {
      checkMachineCodes(s, ['sites', i], (path, message) => ctx.addIssue({ code: 'custom', path, message }));
      const centers = new Set(s.costCenters.map((c) => c.code));
      s.lines.forEach((l, j) => {
        if (!centers.has(l.costCenter))
          ctx.addIssue({ code: 'custom', path: ['sites', i, 'lines', j, 'costCenter'], message: `unknown cost center ${l.costCenter}` });
        checkCountingPoints(l, ['sites', i, 'lines', j], (path, message) => ctx.addIssue({ code: 'custom', path, message }));
      });
    });
    plant.demoOrders.forEach((o, i) => {
      const site = plant.sites.find((s) => s.code === o.site);
      if (!site) ctx.addIssue({ code: 'custom', path: ['demoOrders', i, 'site'], message: `unknown site ${o.site}` });
      else if (!site.lines.some((l) => l.code === o.line))
        ctx.addIssue({ code: 'custom', path: ['demoOrders', i, 'line'], message: `unknown line ${o.line} in site ${o.site}` });
      if (!materials.has(o.material))
        ctx.addIssue({ code: 'custom', path: ['demoOrders', i, 'material'], message: `unknown material ${o.material}` });
    });
  });
export type PlantModel = z.infer<typeof PlantModel>;
type PlantModelInput = Omit<PlantModel, 'erpUnits'> & { erpUnits: NonNullable<PlantModel['erpUnits']> };

/** Each calendar names a site (and line) of the plant, and each site or line has one calendar at most. */
function checkShiftCalendars(
  plant: { sites: Array<z.infer<typeof Site>>; shiftCalendars?: PlantShiftCalendar[] },
  addIssue: (path: Array<string | number>, message: string) => void,
): void {
  const seen = new Map<string, number>();
  plant.shiftCalendars?.forEach((c, i) => {
    const site = plant.sites.find((s) => s.code === c.site);
    if (!site) return addIssue(['shiftCalendars', i, 'site'], `unknown site ${c.site}`);
    if (c.line !== undefined && !site.lines.some((l) => l.code === c.line))
      return addIssue(['shiftCalendars', i, 'line'], `unknown line ${c.line} in site ${c.site}`);
    const key = `${c.site}/${c.line ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined)
      addIssue(['shiftCalendars', i], `${c.line ? `line ${c.line} of site` : 'site'} ${c.site} already has a calendar (shiftCalendars[${first}]): give it more versions instead`);
    else seen.set(key, i);
  });
}

/** A site's calendars as they are stored with the site (sites.shift_calendars); null when the plant file has none. */
export function siteShiftCalendars(plant: Pick<PlantModel, 'shiftCalendars'>, site: string): SiteShiftCalendars | null {
  const own = (plant.shiftCalendars ?? []).filter((c) => c.site === site);
  if (own.length === 0) return null;
  const body = ({ versions, holidays, maintenance }: PlantShiftCalendar) => ({ versions, holidays, maintenance });
  const siteLevel = own.find((c) => c.line === undefined);
  return {
    ...(siteLevel ? { site: body(siteLevel) } : {}),
    lines: Object.fromEntries(own.filter((c) => c.line !== undefined).map((c) => [c.line!, body(c)])),
  };
}

/** Each MES unit and each ISO code once, and every unit the plant uses mapped: a gap is found at load, not at posting. */
function checkErpUnits(plant: PlantModelInput, ctx: z.RefinementCtx): void {
  const seen = { unit: new Set<string>(), iso: new Set<string>() };
  plant.erpUnits.forEach((u, i) => {
    for (const k of ['unit', 'iso'] as const) {
      if (seen[k].has(u[k])) ctx.addIssue({ code: 'custom', path: ['erpUnits', i, k], message: `${k} ${u[k]} is mapped twice` });
      seen[k].add(u[k]);
    }
  });
  const need = (unit: string, path: (string | number)[]) => {
    if (!seen.unit.has(unit)) ctx.addIssue({ code: 'custom', path, message: `unit ${unit} has no entry in erpUnits` });
  };
  plant.materials.forEach((m, i) => {
    need(m.unit, ['materials', i, 'unit']);
    m.bom.forEach((b, j) => need(b.unit, ['materials', i, 'bom', j, 'unit']));
  });
  plant.demoOrders.forEach((o, i) => need(o.unit, ['demoOrders', i, 'unit']));
}

/** The plant's unit mapping as the SAP adapter takes it (SapConnection.units); empty when the plant has none. */
export function erpUnitMap(plant: Pick<PlantModel, 'erpUnits'>): Record<string, { iso: string; commercial: string; decimals?: number }> {
  return Object.fromEntries((plant.erpUnits ?? []).map((u) => [u.unit, { iso: u.iso, commercial: u.commercial, ...(u.decimals === undefined ? {} : { decimals: u.decimals }) }]));
}
