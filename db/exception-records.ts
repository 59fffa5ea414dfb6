import { and, desc, eq, getTableColumns, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { ExceptionKind, ExceptionMessage, ExceptionState } from '../contracts/messages/exception.js';
import { exceptionNotifications, exceptionRecords } from '../schema/index.js';
import type { Db } from './client.js';

export type ExceptionRecord = typeof exceptionRecords.$inferSelect;

/**
 * Writes one exception message: a new record for a cause with none open, else a repeat of the open one (its count
 * rises when the occurrence is new; the same occurrence sent again changes nothing). An occurrence whose record was
 * resolved is not opened again (a periodic check that still finds a skipped rejection). A cause key whose open record
 * is at another site or line is recorded under the key qualified by the message's place (`<key>@<site>/<line>`).
 * Returns the record and whether it was created; null when ignored.
 */
export async function recordException(db: Db, m: ExceptionMessage): Promise<{ record: ExceptionRecord; created: boolean } | null> {
  m = { ...m, causeKey: await causeKeyOfPlace(db, m) };
  const [open] = await db.select({ id: exceptionRecords.id }).from(exceptionRecords)
    .where(and(eq(exceptionRecords.causeKey, m.causeKey), ne(exceptionRecords.state, 'resolved'))).limit(1);
  const [resolved] = await db.select({ id: exceptionRecords.id }).from(exceptionRecords)
    .where(and(eq(exceptionRecords.causeKey, m.causeKey), eq(exceptionRecords.state, 'resolved'), eq(exceptionRecords.lastOccurrence, m.occurrence))).limit(1);
  if (resolved && !open) return null;
  const at = new Date(m.occurredAt);
  const [row] = await db.insert(exceptionRecords).values({
    causeKey: m.causeKey, kind: m.kind, severity: m.severity, siteCode: m.site, lineCode: m.line, erpOrderId: m.erpOrderId,
    workflowId: m.workflowId, stage: m.stage, reason: m.reason, evidence: m.evidence, actions: m.actions, lastOccurrence: m.occurrence,
    firstSeenAt: at, lastSeenAt: at,
  }).onConflictDoUpdate({
    target: exceptionRecords.causeKey,
    targetWhere: sql`state <> 'resolved'`,
    set: {
      repeatCount: sql`${exceptionRecords.repeatCount} + case when ${exceptionRecords.lastOccurrence} = excluded.last_occurrence then 0 else 1 end`,
      lastOccurrence: sql`excluded.last_occurrence`,
      lastSeenAt: sql`greatest(${exceptionRecords.lastSeenAt}, excluded.last_seen_at)`,
      reason: sql`excluded.reason`,
      evidence: sql`excluded.evidence`,
    },
  }).returning({ ...getTableColumns(exceptionRecords), created: sql<boolean>`(xmax = 0)` });
  const { created, ...record } = row!;
  return { record, created };
}

/**
 * The key the message is recorded under. A producer's key that names no place (the run-rule checker chooses its own)
 * must not merge two places' causes: the other place's reason and evidence would replace the record's, shown to the
 * first line's readers and told to its people. While the key's open record is at another place, or the message's
 * place already has an open record under the qualified key, that is `<key>@<site>/<line or ->`.
 */
async function causeKeyOfPlace(db: Db, m: ExceptionMessage): Promise<string> {
  const placed = `${m.causeKey}@${m.site}/${m.line ?? '-'}`;
  const open = await db.select({ key: exceptionRecords.causeKey, site: exceptionRecords.siteCode, line: exceptionRecords.lineCode }).from(exceptionRecords)
    .where(and(inArray(exceptionRecords.causeKey, [m.causeKey, placed]), ne(exceptionRecords.state, 'resolved')));
  const elsewhere = open.some((r) => r.key === m.causeKey && (r.site !== m.site || r.line !== m.line));
  return elsewhere || open.some((r) => r.key === placed) ? placed : m.causeKey;
}

/** Filters of the list: place, kind, state (default: everything not resolved). */
export interface ExceptionFilter {
  site?: string;
  line?: string;
  kind?: ExceptionKind;
  state?: ExceptionState | 'unresolved';
}

/** Records matching the filter and the token's places (`scope`, api/scope.ts `scopeCondition`), newest first, at most 500. */
export async function listExceptions(db: Db, f: ExceptionFilter, scope?: SQL): Promise<ExceptionRecord[]> {
  const state = f.state ?? 'unresolved';
  const where = [
    f.site ? eq(exceptionRecords.siteCode, f.site) : undefined,
    f.line ? eq(exceptionRecords.lineCode, f.line) : undefined,
    f.kind ? eq(exceptionRecords.kind, f.kind) : undefined,
    state === 'unresolved' ? ne(exceptionRecords.state, 'resolved') : eq(exceptionRecords.state, state),
    scope,
  ];
  return db.select().from(exceptionRecords).where(and(...where)).orderBy(desc(exceptionRecords.lastSeenAt)).limit(500);
}

export async function getException(db: Db, id: number): Promise<ExceptionRecord | null> {
  const [r] = await db.select().from(exceptionRecords).where(eq(exceptionRecords.id, id));
  return r ?? null;
}

/** A person has it: open -> acknowledged (an acknowledged record stays as it is). Null when resolved or unknown. */
export async function acknowledgeException(db: Db, id: number, by: string, assignTo?: string): Promise<ExceptionRecord | null> {
  const [r] = await db.update(exceptionRecords).set({
    state: 'acknowledged',
    acknowledgedBy: sql`coalesce(${exceptionRecords.acknowledgedBy}, ${by})`,
    acknowledgedAt: sql`coalesce(${exceptionRecords.acknowledgedAt}, now())`,
    ...(assignTo ? { assignedTo: assignTo } : {}),
  }).where(and(eq(exceptionRecords.id, id), ne(exceptionRecords.state, 'resolved'))).returning();
  return r ?? null;
}

/** Closes the record with how it was resolved; null when it was already resolved or is unknown. */
export async function resolveException(db: Db, id: number, by: string, resolution: Record<string, unknown>): Promise<ExceptionRecord | null> {
  const [r] = await db.update(exceptionRecords).set({ state: 'resolved', resolvedBy: by, resolvedAt: new Date(), resolution })
    .where(and(eq(exceptionRecords.id, id), ne(exceptionRecords.state, 'resolved'))).returning();
  return r ?? null;
}

/**
 * Resolves the record with the effect `apply` has, exactly once: the record's row is locked (`FOR UPDATE`) from the
 * claim to the resolution, so a second resolve of it (another person, the periodic checks' `resolveException`) waits
 * and then finds it resolved. `apply` gets the record as claimed and returns the resolution to store; when it throws,
 * nothing is stored (the record stays open) and the error goes to the caller. Null, without calling `apply`, when the
 * record is already resolved or unknown.
 */
export async function resolveClaimed(db: Db, id: number, by: string, apply: (r: ExceptionRecord) => Promise<Record<string, unknown>>): Promise<ExceptionRecord | null> {
  return db.transaction(async (tx) => {
    const [claimed] = await tx.select().from(exceptionRecords).where(and(eq(exceptionRecords.id, id), ne(exceptionRecords.state, 'resolved'))).for('update');
    if (!claimed) return null;
    const resolution = await apply(claimed);
    const [r] = await tx.update(exceptionRecords).set({ state: 'resolved', resolvedBy: by, resolvedAt: new Date(), resolution }).where(eq(exceptionRecords.id, id)).returning();
    return r ?? null;
  });
}

/** The routing workflow's record of the level it notified. */
export async function setEscalationLevel(db: Db, id: number, level: number): Promise<void> {
  await db.update(exceptionRecords).set({ escalationLevel: level }).where(eq(exceptionRecords.id, id));
}

/**
 * Claims one notification (record, level, target) before sending it: `send` for a first claim or one whose send did
 * not finish, `sent` for one already sent (a retried activity skips it).
 */
export async function claimNotification(db: Db, recordId: number, level: number, targetKey: string, channel: string): Promise<'send' | 'sent'> {
  const [r] = await db.insert(exceptionNotifications).values({ recordId, level, targetKey, channel, status: 'sending' })
    .onConflictDoUpdate({
      target: [exceptionNotifications.recordId, exceptionNotifications.level, exceptionNotifications.targetKey],
      set: { attempts: sql`${exceptionNotifications.attempts} + case when ${exceptionNotifications.status} = 'sent' then 0 else 1 end` },
    }).returning({ status: exceptionNotifications.status });
  return r!.status === 'sent' ? 'sent' : 'send';
}

export async function markNotificationSent(db: Db, recordId: number, level: number, targetKey: string): Promise<void> {
  await db.update(exceptionNotifications).set({ status: 'sent', sentAt: new Date() })
    .where(and(eq(exceptionNotifications.recordId, recordId), eq(exceptionNotifications.level, level), eq(exceptionNotifications.targetKey, targetKey)));
}
