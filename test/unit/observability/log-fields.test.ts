import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { orderFieldsOfWorkflowId, withOrderLogFields } from '../../../observability/log-fields.js';
import { startTracing } from '../../../observability/tracing.js';
import { LineMemo, orderLogActivityInterceptor } from '../../../workers/wiring/activity-log-fields.js';
import { createLogger } from '../../../workers/wiring/logger.js';
import { temporalLogSink } from '../../../workers/wiring/temporal-runtime.js';

/** A logger whose lines land in an array, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  return { lines, log: createLogger('temporal-worker', 'info', stream) };
}

/** Runs one activity through the interceptor as the worker would, for workflow `workflowId` with `args`. */
function runActivity(memo: LineMemo, workflowId: string, args: unknown[], body: () => void): Promise<unknown> {
  const ctx = { info: { workflowExecution: { workflowId, runId: 'r' } } } as unknown as Context;
  const { inbound } = orderLogActivityInterceptor(memo)(ctx);
  return inbound!.execute!({ args, headers: {} } as unknown as ActivityExecuteInput, async () => body());
}

describe('log lines about an order carry trace id, site, line and order (issue 15)', () => {
  it('inside a span and withOrderLogFields: all five, also after an await, and none outside', async () => {
    const { lines, log } = capture();
    const tracing = startTracing('log-fields-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    try {
      const span = trace.getTracer('test').startSpan('postConfirmation');
      await context.with(trace.setSpan(context.active(), span), () =>
        withOrderLogFields({ site: 'plant1', line: 'line-a', order: '1000123' }, async () => {
          await new Promise((r) => setTimeout(r, 5));
          log.info('ERP posting done');
        }),
      );
      span.end();
      log.info('outside');
      expect(lines[0]).toMatchObject({ msg: 'ERP posting done', site: 'plant1', line: 'line-a', order: '1000123', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      for (const key of ['site', 'line', 'order', 'trace_id']) expect(lines[1]).not.toHaveProperty(key);
    } finally {
      await tracing?.shutdown().catch(() => undefined);
    }
  });

  it('without tracing still names the order; an inner call adds to the outer one, and a log call\'s own key wins', () => {
    const { lines, log } = capture();
    withOrderLogFields({ site: 'plant1', order: '7' }, () =>
      withOrderLogFields({ line: 'line-b', order: undefined }, () => {
        log.info('inner');
        log.info({ order: '8' }, 'own key');
      }),
    );
    expect(lines[0]).toMatchObject({ site: 'plant1', line: 'line-b', order: '7' });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).toMatchObject({ order: '8' });
  });

  it('reads site and order, or site and line, from the workflow ids of contracts/ids.ts', () => {
    expect(orderFieldsOfWorkflowId('work-order:plant1:1000123')).toEqual({ site: 'plant1', order: '1000123' });
    expect(orderFieldsOfWorkflowId('fix:plant1:1000123:ab12cd34ef')).toEqual({ site: 'plant1', order: '1000123' });
    expect(orderFieldsOfWorkflowId('shift:plant1:line-a:2026-11-30:A')).toEqual({ site: 'plant1', line: 'line-a' });
    expect(orderFieldsOfWorkflowId('something-else')).toEqual({});
    expect(orderFieldsOfWorkflowId(undefined)).toEqual({});
  });

  it('gives the Temporal SDK\'s workflow and activity lines the site and order of their workflow id', () => {
    const { lines, log } = capture();
    temporalLogSink(log)({ level: 'WARN', message: 'Activity failed', timestampNanos: 0n, meta: { workflowId: 'work-order:plant1:1000123', activityType: 'postGoodsIssue' } });
    expect(lines[0]).toMatchObject({ level: 40, msg: 'Activity failed', sdk: 'temporal', site: 'plant1', order: '1000123', activityType: 'postGoodsIssue' });
  });

  it('runs each activity with its order\'s fields, the line learned from an input that names it', async () => {
    const { lines, log } = capture();
    const memo = new LineMemo();
    const wf = 'work-order:plant1:1000123';
    await runActivity(memo, 'work-order:plant1:999', [{ site: 'plant1' }], () => log.info('no line known'));
    await runActivity(memo, wf, [{ workflowId: wf, line: 'line-a', phase: 'running' }], () => log.info('status written'));
    await runActivity(memo, wf, [{ postingKey: `${wf}#1` }], () => log.info('ERP posting done'));
    expect(lines[0]).toEqual(expect.objectContaining({ site: 'plant1', order: '999' }));
    expect(lines[0]).not.toHaveProperty('line');
    expect(lines[1]).toMatchObject({ site: 'plant1', line: 'line-a', order: '1000123' });
    expect(lines[2]).toMatchObject({ msg: 'ERP posting done', site: 'plant1', line: 'line-a', order: '1000123' });
  });

  it('remembers a bounded number of lines, forgetting the least recently named', () => {
    const memo = new LineMemo(2);
    memo.lineOf('a', [{ line: 'L1' }]);
    memo.lineOf('b', [{ line: 'L2' }]);
    memo.lineOf('a', [{ line: 'L1' }]);
    memo.lineOf('c', [{ line: 'L3' }]);
    expect([memo.lineOf('a', []), memo.lineOf('b', []), memo.lineOf('c', [])]).toEqual(['L1', undefined, 'L3']);
  });
});
