import type { DowntimeReason, ErpDowntimeReport } from './messages/downtime-reasons.js';

/**
 * The ERP report a downtime reason asks for, its default applied: a malfunction report with the breakdown flag for an
 * unplanned breakdown, nothing for any other reason unless the plant file says so. Zod-free, so the shift workflow and
 * oee/ may call it.
 */
export const erpReportOf = (r: Pick<DowntimeReason, 'planned' | 'loss' | 'erp'>): ErpDowntimeReport =>
  r.erp ?? (!r.planned && r.loss === 'breakdown' ? { report: 'malfunction' } : { report: 'none' });
