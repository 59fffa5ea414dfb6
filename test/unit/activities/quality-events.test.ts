import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createQualityEventActivities } from '../../../activities/quality-events.js';
import { ExceptionMessage } from '../../../contracts/messages/exception.js';
import type { QualityEvent } from '../../../contracts/messages/inspection.js';

const alert: QualityEvent = { kind: 'alert', alert: {
  v: 1, kind: 'quality-hold', site: 'plant1', line: 'line-2', erpOrderId: '5100001', workflowId: 'work-order:plant1:5100001', holdId: 3,
  characteristic: 'cure-temp', value: 186, unit: 'CEL', lowerLimit: 175, upperLimit: 185, quantity: 10, reaction: 'hold-continue', sourceTime: '2026-01-05T07:00:00Z',
} };
const warning: QualityEvent = { kind: 'warning', warning: {
  v: 1, kind: 'run-rule-warning', site: 'plant1', line: 'line-2', erpOrderId: '5100001', workflowId: 'work-order:plant1:5100001',
  characteristic: 'press-force', rule: 'run-one-side', reason: '8 values in a row above the center line 50', center: 50, sigma: 1, values: [50.4], sourceTime: '2026-01-05T07:00:00Z',
} };

describe('publishQualityEvents', () => {
  it('sends alerts to the line\'s alerts subject and warnings to the ops exceptions, each checked against its contract', async () => {
    const sent: Array<[string, unknown]> = [];
    const { publishQualityEvents } = createQualityEventActivities({ publishJson: (subject, payload) => void sent.push([subject, payload]) });
    await new MockActivityEnvironment().run(publishQualityEvents, [alert, warning]);
    expect(sent.map(([s]) => s)).toEqual(['mes.plant1.line-2.alerts', 'ops.plant1.exception.run-rule-warning']);
    // The exception inbox's own contract, or it would terminate the message unrecorded.
    expect(ExceptionMessage.parse(sent[1]![1])).toMatchObject({
      kind: 'run-rule-warning', severity: 'warning', line: 'line-2', erpOrderId: '5100001', workflowId: null, stage: 'run-rule-warning',
      causeKey: 'run-rule:5100001:press-force:run-one-side', occurrence: '2026-01-05T07:00:00Z', actions: ['accept', 'escalate'],
      evidence: { characteristic: 'press-force', rule: 'run-one-side', center: 50, sigma: 1 },
    });
    expect(sent[1]![1]).toMatchObject({ rule: 'run-one-side', characteristic: 'press-force' });
  });

  it('drops (and logs) an event its contract refuses, and goes on with the rest', async () => {
    const sent: string[] = [];
    const { publishQualityEvents } = createQualityEventActivities({ publishJson: (subject) => void sent.push(subject) });
    const bad: QualityEvent = { kind: 'alert', alert: { ...(alert as Extract<QualityEvent, { kind: 'alert' }>).alert, site: 'Plant 1' } };
    await new MockActivityEnvironment().run(publishQualityEvents, [bad, warning]);
    expect(sent).toEqual(['ops.plant1.exception.run-rule-warning']);
  });

  it('sends a tag value it could not judge as a validation failure the inbox records, one record per order, characteristic and unit', async () => {
    const sent: Array<[string, unknown]> = [];
    const { publishQualityEvents } = createQualityEventActivities({ publishJson: (subject, payload) => void sent.push([subject, payload]) });
    const unjudged: QualityEvent = { kind: 'unjudged', unjudged: {
      v: 1, kind: 'measurement-unit-mismatch', site: 'plant1', line: 'line-2', erpOrderId: '5100001', workflowId: 'work-order:plant1:5100001',
      characteristic: 'cure-temp', machine: 'oven-1', tag: 'temperature', measurementId: 'oven-1:temperature:7', value: 3.2, unit: 'BAR', specUnit: 'CEL', sourceTime: '2026-01-05T07:00:00Z',
    } };
    await new MockActivityEnvironment().run(publishQualityEvents, [unjudged]);
    expect(sent[0]![0]).toBe('ops.plant1.exception.measurement-units');
    expect(ExceptionMessage.parse(sent[0]![1])).toMatchObject({
      kind: 'validation-failure', severity: 'warning', causeKey: 'measurement-unit:5100001:cure-temp:BAR', occurrence: 'oven-1:temperature:7',
      reason: expect.stringMatching(/oven-1 temperature: 3.2 BAR cannot be judged against characteristic cure-temp in CEL/),
    });
  });
});
