import { eq } from 'drizzle-orm';
import pg from 'pg';
import { SiteQualityConfig, type InspectionCharacteristic } from '../contracts/messages/inspection.js';
import type { ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import { LINE_CONTEXT_CHANNEL, SHIFT_CALENDARS_CHANNEL } from '../contracts/names.js';
import type { Db } from '../db/client.js';
import { activeOrderOnLine } from '../db/active-order.js';
import { storedLineCalendar } from '../db/line-calendar.js';
import { machines, sites } from '../schema/index.js';
import { measuredTagsOf } from './measured-tags.js';
import type { MachineContext } from './route.js';

type ActiveOrder = MachineContext['activeOrder'];

/**
 * How often at most the bridge reloads its machine list (ms) when an event names a machine it does not know: a machine
 * seeded since is routed after at most this long (a seed's NOTIFY reloads it at the next round anyway).
 */
export const MACHINE_REFRESH_MS = 5_000;

/**
 * Machine -> line -> active work order, cached. Invalidation: the read-model activity NOTIFYs `line_context` in the
 * transaction that changes an order's status, so a start or end on a line reaches every bridge at once; a TTL
 * bounds staleness should a notification be missed (for example across a database reconnect). Master data: a seed of
 * the plant file (db/seed.ts) and a calendar edit through the API (db/calendar-edit.ts) NOTIFY `shift_calendars`, and
 * the next round reloads the machines with their lines' calendars and the tags that measure inspection
 * characteristics (`MachineContext.measuredTags`); a lost listener does the same, as notifications may have been missed.
 */
export class LineContextCache {
  private machineLines = new Map<string, Omit<MachineContext, 'activeOrder'>>();
  private machinesLoadedAt = 0;
  private masterDataStale = false;
  private orders = new Map<string, { order: ActiveOrder; at: number }>();
  private listener: pg.Client | undefined;
  invalidations = 0;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly databaseUrl: string,
    private readonly opts: { orderTtlMs: number; machineRefreshMs: number } = { orderTtlMs: 30_000, machineRefreshMs: MACHINE_REFRESH_MS },
  ) {}

  async start(): Promise<void> {
    await this.loadMachines();
    await this.listen();
  }

  /** LISTEN on a dedicated connection; if it drops, the cache is cleared and `resolve` listens again. */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('error', () => {
      // Notifications may have been missed while it was down: forget what they could have changed.
      if (this.listener === client) this.listener = undefined;
      this.orders.clear();
      this.masterDataStale = true;
    });
    client.on('notification', (n) => {
      if (n.channel === SHIFT_CALENDARS_CHANNEL) {
        this.masterDataStale = true;
        return;
      }
      if (n.channel !== LINE_CONTEXT_CHANNEL || !n.payload) return;
      this.orders.delete(n.payload);
      this.invalidations += 1;
    });
    await client.connect();
    await client.query(`listen ${LINE_CONTEXT_CHANNEL}`);
    await client.query(`listen ${SHIFT_CALENDARS_CHANNEL}`);
    this.listener = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
  }

  private async loadMachines(): Promise<void> {
    this.masterDataStale = false;
    const rows = await this.db
      .select({
        site: machines.siteCode, machine: machines.code, line: machines.lineCode, countingPoint: machines.countingPoint,
        timezone: sites.timezone, shiftCalendars: sites.shiftCalendars, quality: sites.quality,
      })
      .from(machines)
      .innerJoin(sites, eq(sites.code, machines.siteCode));
    // One calendar object per line and load: shiftOf remembers its answers per calendar object, and a reload (new
    // objects) is how a seeded calendar change reaches routing.
    const calendars = new Map<string, ShiftCalendar>();
    const calendarOfLine = (r: (typeof rows)[number]) => {
      const key = `${r.site}/${r.line}`;
      let c = calendars.get(key);
      if (!c) calendars.set(key, (c = storedLineCalendar(r.shiftCalendars, r.line, r.timezone)));
      return c;
    };
    // Each site's characteristics parsed once per load (validated at seeding; parsed again, as the calendars are).
    const characteristics = new Map<string, InspectionCharacteristic[]>();
    const characteristicsOf = (r: (typeof rows)[number]) => {
      let c = characteristics.get(r.site);
      if (!c) characteristics.set(r.site, (c = r.quality ? SiteQualityConfig.parse(r.quality).characteristics : []));
      return c;
    };
    this.machineLines = new Map(rows.map((r) => [`${r.site}/${r.machine}`, {
      site: r.site, line: r.line, calendar: calendarOfLine(r), countingPoint: r.countingPoint, measuredTags: measuredTagsOf(characteristicsOf(r), r.line, r.machine),
    }]));
    this.machinesLoadedAt = Date.now();
  }

  private async activeOrder(site: string, line: string): Promise<ActiveOrder> {
    const key = `${site}/${line}`;
    const hit = this.orders.get(key);
    if (hit && Date.now() - hit.at < this.opts.orderTtlMs) return hit.order;
    const found = await activeOrderOnLine(this.db, site, line);
    const order = found && { workflowId: found.workflowId, erpOrderId: found.erpOrderId, material: found.material, operation: found.operation };
    this.orders.set(key, { order, at: Date.now() });
    return order;
  }

  /** Resolves every (site, machine) pair once and returns a synchronous lookup for routing. */
  async resolve(pairs: Iterable<[string, string]>): Promise<(site: string, machine: string) => MachineContext | null> {
    // Without a listener the TTL alone bounds staleness; try to get it back (a failure leaves it for the next round).
    if (!this.listener && !this.stopped) await this.listen().catch(() => undefined);
    const keys = new Set([...pairs].map(([s, m]) => `${s}/${m}`));
    if (this.masterDataStale || ([...keys].some((k) => !this.machineLines.has(k)) && Date.now() - this.machinesLoadedAt > this.opts.machineRefreshMs))
      await this.loadMachines();
    // Each distinct line once, all at the same time: a cold cache costs one round trip, not one per machine.
    const lines = new Map<string, { site: string; line: string }>();
    for (const k of keys) {
      const m = this.machineLines.get(k);
      if (m) lines.set(`${m.site}/${m.line}`, m);
    }
    const orders = new Map(await Promise.all([...lines].map(async ([lk, m]) => [lk, await this.activeOrder(m.site, m.line)] as const)));
    const resolved = new Map<string, MachineContext | null>();
    for (const k of keys) {
      const m = this.machineLines.get(k);
      resolved.set(k, m ? { ...m, activeOrder: orders.get(`${m.site}/${m.line}`) ?? null } : null);
    }
    return (site, machine) => resolved.get(`${site}/${machine}`) ?? null;
  }
}
