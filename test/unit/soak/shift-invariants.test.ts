import { describe, expect, it } from 'vitest';
import type { ErpDowntime } from '../../../contracts/erp-port.js';
import { checkShiftDowntime, type ShiftBooks } from '../../../soak/shift-invariants.js';

const wf = 'shift:soak1:line-a:2026-11-30:S1358';
const listed = (...documents: string[]): ErpDowntime[] =>
  documents.map((document) => ({ document, reference: null, machine: 'press-a1', costCenter: 'CC4100', state: 'stopped', startedAt: null, endedAt: null, durationMin: '0.067' }));
/** A closed shift of 3 records whose #2 the ERP refused; the ERP holds `documents` under #1, #2, #3. */
const closed = (documents: string[][], over: Partial<NonNullable<ShiftBooks['downtime']>> = {}): ShiftBooks => ({
  workflowId: wf,
  status: 'closed',
  endsAt: '2026-11-30T13:02:00.000Z',
  downtime: { records: 3, posted: 2, totalMinutes: '0.2', problems: ['downtime #2 (press-a1 stopped): cost center locked'], ...over },
  documents,
});

describe('soak shift downtime invariant', () => {
  it('passes when each posted record is in the ERP once, in its downtime list, and the refused one is not', () => {
    expect(checkShiftDowntime([closed([['D1'], [], ['D3']])], listed('D1', 'D3'))).toEqual([]);
  });

  it('names a missing record, a doubled one, one outside the plant\'s list, and one the ERP holds despite refusing it', () => {
    expect(checkShiftDowntime([closed([['D1', 'D9'], ['D2'], []])], listed('D1', 'D2'))).toEqual([
      `shift ${wf}: downtime #3 posted, the ERP holds no document under its key`,
      `shift ${wf}: downtime #1 (D1, D9) held twice or more in the ERP`,
      `shift ${wf}: downtime #1 D9 under its key but not in the ERP's downtime list of the plant`,
      `shift ${wf}: downtime #2 (D2) refused, yet the ERP holds a document under its key`,
    ]);
  });

  it('names a shift whose posted count does not add up with its records and refusals', () => {
    // 3 records, 1 refused: 2 posted, not 3.
    expect(checkShiftDowntime([closed([['D1'], [], ['D3']], { posted: 3 })], listed('D1', 'D3'))).toEqual([
      `shift ${wf}: reports 3 of 3 downtime records posted and 1 refused (downtime #2 (press-a1 stopped): cost center locked)`,
    ]);
  });

  it('skips a shift still taking events, and names one that should have closed or ended otherwise', () => {
    const running = { workflowId: wf, endsAt: '2026-11-30T13:02:00.000Z', documents: [] };
    expect(checkShiftDowntime([
      { ...running, status: 'open' },
      { ...running, status: 'overdue' },
      { ...running, workflowId: `${wf}x`, status: 'workflow FAILED', endsAt: null },
    ], [])).toEqual([
      `shift ${wf} (ended 2026-11-30T13:02:00.000Z): overdue, not closed`,
      `shift ${wf}x (ended unknown): workflow FAILED, not closed`,
    ]);
  });
});
