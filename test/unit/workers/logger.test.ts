import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ErpUnavailable } from '../../../contracts/erp-port.js';
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
