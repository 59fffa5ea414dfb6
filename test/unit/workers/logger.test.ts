import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ErpUnavailable } from '../../../contracts/erp-port.js';
import { startTracing } from '../../../observability/tracing.js';
import { createLogger } from '../../../workers/wiring/logger.js';

/** A logger whose lines land in an array, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  return { lines, log: createLogger('temporal-worker', 'info', stream) };
}

describe('worker logs of ERP failures', () => {
  const sap = new ErpUnavailable('SAP POST API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader: HTTP 400: The plant data of the material SCREW-M6 is locked by the user PLANNER2 (M3/897)', {
    status: 400, messageId: 'M3/897', text: 'The plant data of the material SCREW-M6 is locked by the user PLANNER2',
  });

  it('carry HTTP status, SAP message id and text of an error logged under `error`, as the Temporal SDK logs it', () => {
    const { lines, log } = capture();
    log.warn({ sdk: 'temporal', error: sap, durationMs: 12 }, 'Activity failed');
    expect(lines[0]!.error).toMatchObject({ type: 'ErpUnavailable', status: 400, messageId: 'M3/897', text: expect.stringMatching(/locked by the user PLANNER2/), message: expect.stringMatching(/HTTP 400/) });
  });

  it("carry them from the Temporal failure the activity throws: its details and its failure type", () => {
    const { lines, log } = capture();
    const failure = ApplicationFailure.create({ message: sap.message, type: 'ErpUnavailable', details: [{ status: 400, messageId: 'M3/897', text: sap.text }] });
    log.warn({ error: failure }, 'Activity failed');
    expect(lines[0]!.error).toMatchObject({ failureType: 'ErpUnavailable', message: expect.stringMatching(/M3\/897/), details: [{ status: 400, messageId: 'M3/897' }] });
  });
});

describe('log lines inside a traced step', () => {
  it('carry the active span\'s trace_id and span_id, and lines outside any span carry none', async () => {
    const { lines, log } = capture();
    const tracing = startTracing('logger-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(tracing).toBeDefined();
    try {
      const span = trace.getTracer('test').startSpan('step');
      context.with(trace.setSpan(context.active(), span), () => log.info('inside'));
      span.end();
      log.info('outside');
      expect(lines[0]).toMatchObject({ msg: 'inside', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      expect(lines[0]!.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(lines[1]).not.toHaveProperty('trace_id');
    } finally {
      // Nothing listens on port 9: the one span is dropped, quickly.
      await tracing?.shutdown().catch(() => undefined);
    }
  });
});
