import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { shiftWorkflowId } from '../contracts/ids.js';
import type { ShiftSummary } from '../contracts/messages/shift.js';
import { httpError } from '../http/problem.js';
import { shiftStatusQuery } from '../workflows/definitions.js';

/**
 * A shift's summary from its workflow: the live one while it runs, its result once closed.
 * @throws 404 when Temporal knows no such shift; 409 when it ended otherwise than by closing (failed, terminated).
 */
export async function shiftOfWorkflow(client: Client, p: { site: string; line: string; date: string; shiftCode: string }): Promise<{ workflowId: string; state: 'running' | 'closed'; summary: ShiftSummary }> {
  const workflowId = shiftWorkflowId(p.site, p.line, p.date, p.shiftCode);
  const handle = client.workflow.getHandle(workflowId);
  const described = await handle.describe().catch((err: Error) => {
    if (err instanceof WorkflowNotFoundError) throw httpError(404, `shift ${p.date} ${p.shiftCode} of ${p.site}/${p.line} not found (it has not started, or its history is past retention)`);
    throw err;
  });
  if (described.status.name === 'RUNNING') return { workflowId, state: 'running', summary: await handle.query(shiftStatusQuery) };
  if (described.status.name === 'COMPLETED') return { workflowId, state: 'closed', summary: (await handle.result()) as ShiftSummary };
  throw httpError(409, `shift ${workflowId} ended ${described.status.name.toLowerCase()}: it has no report`);
}
