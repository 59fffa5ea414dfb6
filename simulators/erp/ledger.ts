import { randomInt } from 'node:crypto';
import path from 'node:path';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type {
  ConfirmationRequest,
  DowntimeRequest,
  GoodsMovementItem,
  GoodsMovementRequest,
  PostingKind,
  QualityNotificationRequest,
} from '../../contracts/erp-port.js';
import type { Posting } from '../../contracts/messages/erp-rest.js';
import { canonicalDecimal } from '../../contracts/decimal.js';
import { projectRoot } from '../../stack/paths.js';
import { simPostings } from './ledger-schema.js';

type Row = typeof simPostings.$inferSelect;

/** A real ERP refuses to cancel twice; so does the simulator, and the adapter must look before it cancels. */
export class AlreadyCancelled extends Error {
  override readonly name = 'AlreadyCancelled';
}

const toPosting = (r: Row): Posting => ({
  document: r.document,
  postingKey: r.postingKey,
  kind: r.kind as Posting['kind'],
  erpOrderId: r.erpOrderId,
  yieldQty: decimal(r.yieldQty),
  scrapQty: decimal(r.scrapQty),
  movementType: r.movementType,
  ...(r.movementType === '101' || r.movementType === '102' ? { stockType: (r.stockType ?? 'unrestricted') as 'blocked' | 'unrestricted' } : {}),
  operation: r.operation,
  isFinal: r.isFinal,
  items: r.items === null ? null : (JSON.parse(r.items) as GoodsMovementItem[]),
  material: r.material,
  plant: r.plant,
  quantity: decimal(r.quantity),
  unit: r.unit,
  reason: r.reason,
  reportedBy: r.reportedBy,
  line: r.line,
  costCenter: r.costCenter,
  machine: r.machine,
  startedAt: r.startedAt?.toISOString() ?? null,
  endedAt: r.endedAt?.toISOString() ?? null,
  durationMin: decimal(r.durationMin),
  notificationType: r.notificationType,
  breakdown: r.breakdown,
  postedAt: r.postedAt.toISOString(),
  cancelled: r.cancelledAt !== null,
  postingDate: r.postingDate,
  documentDate: r.documentDate,
});

/** The period a posting is booked in: the request's date, else the ledger's UTC today (as an ERP takes its own). */
const booked = (req: { postingDate?: string; documentDate?: string }) => ({
  postingDate: req.postingDate ?? new Date().toISOString().slice(0, 10),
  documentDate: req.documentDate ?? null,
});

/** PostgreSQL renders numeric(…, 3) as "1.500"; the contract speaks canonical decimal strings ("1.5"). */
const decimal = (v: string | null): string | null => (v === null ? null : canonicalDecimal(v));

/** Which postings a listing asks for; every field narrows. */
export interface PostingFilter {
  erpOrderId?: string;
  kind?: PostingKind;
  plant?: string;
}

// SAP numbers documents from ranges: confirmations and material documents get 10 digits.
const documentNumber = (prefix: string) => `${prefix}${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/** The simulated ERP's books, in its own PostgreSQL schema `erp_sim`. */
export class SimLedger {
  private constructor(
    private readonly db: NodePgDatabase,
    private readonly pool: pg.Pool,
  ) {}

  static async open(databaseUrl: string): Promise<SimLedger> {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    // An idle client dropped by the server (restart, shutdown) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = drizzle(pool);
    await migrate(db, {
      migrationsFolder: path.join(projectRoot, 'simulators', 'erp', 'migrations'),
      // Its own journal table, so the MES migrations and the simulator's never mistake each other's entries.
      migrationsTable: '__erp_sim_migrations',
    });
    return new SimLedger(db, pool);
  }

  /** Every document is a row under a fresh number from its range (prefix), answered as the contract's `Posting`. */
  private async insert(prefix: string, values: Omit<typeof simPostings.$inferInsert, 'document'>): Promise<Posting> {
    const [row] = await this.db.insert(simPostings).values({ document: documentNumber(prefix), ...values }).returning();
    return toPosting(row!);
  }

  postConfirmation(req: ConfirmationRequest): Promise<Posting> {
    return this.insert('49', {
      postingKey: req.postingKey,
      kind: 'confirmation',
      erpOrderId: req.erpOrderId,
      operation: req.operation,
      yieldQty: req.yieldQty,
      scrapQty: req.scrapQty,
      unit: req.unit,
      isFinal: req.isFinal,
      ...booked(req),
    });
  }

  postGoodsMovement(req: GoodsMovementRequest): Promise<Posting> {
    return this.insert('50', {
      postingKey: req.postingKey,
      kind: 'goods-movement',
      erpOrderId: req.erpOrderId,
      movementType: req.movementType,
      stockType: req.stockType === 'blocked' ? 'blocked' : null,
      items: JSON.stringify(req.items),
      ...booked(req),
    });
  }

  /** Cancels a confirmation by its document; null when there is none, an error when it is already cancelled. */
  async cancelConfirmation(document: string): Promise<Posting | null> {
    const [row] = await this.db.select().from(simPostings).where(and(eq(simPostings.document, document), eq(simPostings.kind, 'confirmation')));
    if (!row) return null;
    if (row.cancelledAt) throw new AlreadyCancelled(`Confirmation ${document} has already been cancelled`);
    const [cancelled] = await this.db.update(simPostings).set({ cancelledAt: new Date() }).where(eq(simPostings.id, row.id)).returning();
    return toPosting(cancelled!);
  }

  raiseQualityNotification(req: QualityNotificationRequest): Promise<Posting> {
    return this.insert('20', {
      postingKey: req.postingKey,
      kind: 'quality-notification',
      erpOrderId: req.erpOrderId ?? null,
      material: req.material,
      plant: req.plant,
      quantity: req.quantity,
      unit: req.unit,
      reason: req.defectText,
      reportedBy: req.reportedBy,
    });
  }

  postDowntime(req: DowntimeRequest): Promise<Posting> {
    return this.insert('10', {
      postingKey: req.postingKey,
      kind: 'downtime',
      plant: req.plant,
      line: req.line,
      costCenter: req.costCenter,
      machine: req.machine,
      reason: req.state,
      startedAt: new Date(req.startedAt),
      endedAt: new Date(req.endedAt),
      durationMin: req.durationMin,
      notificationType: req.notificationType ?? 'M2',
      breakdown: req.breakdown ?? true,
    });
  }

  async findByKey(postingKey: string, kind?: PostingKind): Promise<Posting[]> {
    const where = and(eq(simPostings.postingKey, postingKey), kind ? eq(simPostings.kind, kind) : undefined);
    const rows = await this.db.select().from(simPostings).where(where).orderBy(asc(simPostings.id));
    return rows.map(toPosting);
  }

  /** All postings matching the filter; a string is an order id (what older callers pass). */
  async list(by: PostingFilter | string = {}): Promise<Posting[]> {
    const filter = typeof by === 'string' ? { erpOrderId: by } : by;
    const conds: SQL[] = [];
    if (filter.erpOrderId) conds.push(eq(simPostings.erpOrderId, filter.erpOrderId));
    if (filter.kind) conds.push(eq(simPostings.kind, filter.kind));
    if (filter.plant) conds.push(eq(simPostings.plant, filter.plant));
    const rows = await this.db.select().from(simPostings).where(and(...conds)).orderBy(asc(simPostings.id));
    return rows.map(toPosting);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
