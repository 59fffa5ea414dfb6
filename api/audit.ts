import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { auditLog } from '../schema/index.js';

/** Records a state-changing call; called after validation, before the change, so refused calls leave no row. */
export async function audit(db: Db, req: FastifyRequest, action: string, target: string, details?: unknown): Promise<void> {
  await db.insert(auditLog).values({
    actor: req.actor?.name ?? 'webhook',
    role: req.actor?.role ?? 'integration',
    action,
    target,
    details: details ?? null,
  });
}
