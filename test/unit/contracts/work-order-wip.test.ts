import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WorkOrderWip, wipSubject } from '../../../contracts/messages/work-order-wip.js';

const valid = {
  v: 1, site: 'plant1', line: 'line-1', erpOrderId: '1000123', workflowId: 'work-order:plant1:1000123', material: 'BRACKET-A', unit: 'PC',
  plannedQuantity: '100', phase: 'running', good: 42, scrap: 3, confirmedGood: 40, qualityHeld: 0, held: false, asOf: '2026-11-30T15:00:02.000Z',
};

describe('WorkOrderWip', () => {
  it('takes the live figures of an order and names its line subject', () => {
    expect(WorkOrderWip.parse(valid)).toEqual(valid);
    expect(wipSubject('plant1', 'line-1')).toBe('mes.plant1.line-1.wip');
  });

  it.each([
    [{ good: -1 }, 'good'],
    [{ scrap: 1.5 }, 'scrap'],
    [{ site: 'Plant 1' }, 'site'],
    [{ phase: 'done' }, 'phase'],
    [{ asOf: 'yesterday' }, 'asOf'],
    [{ plannedQuantity: 'many' }, 'plannedQuantity'],
  ])('refuses %o naming the field', (bad, field) => {
    const r = WorkOrderWip.safeParse({ ...valid, ...bad });
    expect(r.success).toBe(false);
    expect(z.prettifyError(r.error!)).toContain(`at ${field}`);
  });
});
