import { describe, expect, it } from 'vitest';
import { phaseOfRow } from '../../../db/order-phase.js';

describe('phaseOfRow', () => {
  it('narrows a known read-model status to its phase', () => {
    expect(phaseOfRow({ workflowId: 'work-order:plant1:1000123', status: 'running' })).toBe('running');
  });

  it('refuses an unknown status, naming the order and the value', () => {
    expect(() => phaseOfRow({ workflowId: 'work-order:plant1:1000123', status: 'paused' })).toThrow(
      /work_orders\.status of work-order:plant1:1000123 is 'paused', not an order phase \(released, running,/,
    );
  });
});
