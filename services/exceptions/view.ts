import type { ExceptionAction, ExceptionKind, ExceptionSeverity, ExceptionState, ExceptionView } from '../../contracts/messages/exception.js';
import type { ExceptionRecord } from '../../db/exception-records.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A stored record as the API and the notifications show it. */
export function exceptionView(r: ExceptionRecord): ExceptionView {
  return {
    id: r.id, kind: r.kind as ExceptionKind, severity: r.severity as ExceptionSeverity, state: r.state as ExceptionState,
    site: r.siteCode, line: r.lineCode, erpOrderId: r.erpOrderId, workflowId: r.workflowId, stage: r.stage, causeKey: r.causeKey,
    reason: r.reason, evidence: r.evidence as Record<string, unknown>, actions: r.actions as ExceptionAction[], repeatCount: r.repeatCount,
    firstSeenAt: r.firstSeenAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString(), acknowledgedBy: r.acknowledgedBy,
    acknowledgedAt: iso(r.acknowledgedAt), assignedTo: r.assignedTo, resolvedBy: r.resolvedBy, resolvedAt: iso(r.resolvedAt),
    resolution: r.resolution as Record<string, unknown> | null, escalationLevel: r.escalationLevel,
  };
}

/** One plain-text paragraph for a chat message or an e-mail body. */
export function exceptionText(r: ExceptionRecord, level: number): string {
  const place = `${r.siteCode}${r.lineCode ? `/${r.lineCode}` : ''}${r.erpOrderId ? ` order ${r.erpOrderId}` : ''}`;
  return [
    `${r.severity.toUpperCase()} ${r.kind} at ${place}${level > 0 ? ` (escalated, level ${level + 1})` : ''}${r.repeatCount > 1 ? ` - seen ${r.repeatCount} times` : ''}`,
    r.reason,
    `Actions: ${(r.actions as string[]).join(', ') || 'none'} - POST /exceptions/${r.id}/acknowledge, /resolve`,
  ].join('\n');
}
