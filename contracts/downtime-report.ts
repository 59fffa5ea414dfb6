import type { DowntimeReason, ErpDowntimeReport, ReportWhen } from './messages/downtime-reasons.js';

/**
 * The ERP report a downtime reason asks for, its default applied: a malfunction report with the breakdown flag for an
 * unplanned breakdown, nothing for any other reason unless the plant file says so. Zod-free, so the shift workflow and
 * oee/ may call it.
 */
export const erpReportOf = (r: Pick<DowntimeReason, 'planned' | 'loss' | 'erp'>): ErpDowntimeReport =>
  r.erp ?? (!r.planned && r.loss === 'breakdown' ? { report: 'malfunction' } : { report: 'none' });

/**
 * When a stop with this report reaches the ERP: the report's own `when`, else the site's `erpReportWhen` (absent in
 * master data stored before it existed: `shift-end`, as those shifts posted). `none` reaches it never; it says
 * `shift-end` so nothing is posted early.
 */
export const reportWhenOf = (report: ErpDowntimeReport, siteWhen: ReportWhen | undefined): ReportWhen =>
  report.report === 'malfunction' || report.report === 'notification' ? (report.when ?? siteWhen ?? 'shift-end') : 'shift-end';
