import { z } from 'zod';
import { CostCenter, DecimalString, MaterialCode, TimeZone, Token, UnitOfMeasure } from '../tokens.js';
import { MachineOpcua } from './edge-config.js';
import { OrderReleased } from './order-release.js';
import { SapPlant, SapStorageLocation } from './sap-odata.js';

/** `opcua` is read by the edge gateway only; a machine without it is simply not read. */
const Machine = z.object({
  code: Token,
  name: z.string().min(1),
  /**
   * Seconds per piece at the machine's rated speed (OEE's ideal cycle time). The edge holds a counter delta larger
   * than the machine can make in the elapsed time at this speed (with the tag's margin) instead of counting it.
   */
  idealCycleTimeS: z.number().positive().max(86_400).optional(),
  opcua: MachineOpcua.optional(),
}).superRefine((m, ctx) => {
  if (m.idealCycleTimeS === undefined && m.opcua?.tags.some((t) => t.kind === 'counter'))
    ctx.addIssue({
      code: 'custom',
      path: ['idealCycleTimeS'],
      message: 'required for a machine with counter tags: the edge counts no more pieces than the machine can make at this speed (seconds per piece)',
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
   * data (OEE). Required when more than one machine of the line has a counter tag.
   */
  countingPoints: z.array(Token).min(1).optional(),
});

const Site = z.object({
  code: Token,
  name: z.string().min(1),
  /** IANA name; the site's shifts are cut in it (services/shift-calendar.ts). */
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
});

/** The plant model and demo seed: master data the engine needs before the first event arrives. */
export const PlantModel = z
  .object({
    v: z.literal(1),
    sites: z.array(Site).min(1),
    materials: z.array(Material).min(1),
    demoOrders: z.array(OrderReleased).default([]),
  })
  .superRefine((plant, ctx) => {
    const materials = new Set(plant.materials.map((m) => m.code));
    plant.materials.forEach((m, i) =>
      m.bom.forEach((b, j) => {
        if (!materials.has(b.component))
          ctx.addIssue({ code: 'custom', path: ['materials', i, 'bom', j, 'component'], message: `unknown material ${b.component}` });
      }),
    );
    plant.sites.forEach((s, i) => {
      const centers = new Set(s.costCenters.map((c) => c.code));
      s.lines.forEach((l, j) => {
        if (!centers.has(l.costCenter))
          ctx.addIssue({ code: 'custom', path: ['sites', i, 'lines', j, 'costCenter'], message: `unknown cost center ${l.costCenter}` });
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
