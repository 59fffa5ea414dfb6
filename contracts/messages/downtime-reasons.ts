import { z } from 'zod';
import { CostCenter } from '../tokens.js';

// The reason tree of downtime as master data (plant file `downtime[].categories`): category -> reason, each reason
// planned or unplanned, with its cost center and how it reaches the ERP. One schema for the plant file and the engine.

/** A reason or category code: it travels in shift summaries, reclassifications and ERP long texts. */
export const ReasonCode = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1-32 of a-z, 0-9 and -, starting with a letter or digit');

/**
 * Which availability loss of the six big losses (Nakajima, "Introduction to TPM", 1988) an unplanned stop is:
 * `breakdown` (equipment failure), `setup` (setup and adjustments, changeovers), `idle` (waiting: no material, no
 * operator, no order; neither a failure nor a setup, reported beside the six). Planned stops are no loss: they are
 * taken out of the planned production time.
 */
export const AvailabilityLoss = z.enum(['breakdown', 'setup', 'idle']);
export type AvailabilityLoss = z.infer<typeof AvailabilityLoss>;

/**
 * When a reported stop reaches the ERP: `stop-end`, as soon as the stop closes (the running state that ends it is
 * in the shift); `shift-end`, with the shift's other stops when the shift closes. A stop still open at the shift's
 * end is posted at that shift's close either way (its part in the shift; the next shift reports the rest).
 */
export const ReportWhen = z.enum(['stop-end', 'shift-end'], { error: 'must be stop-end or shift-end' });
export type ReportWhen = z.infer<typeof ReportWhen>;

/**
 * How a stop of the reason is reported to the ERP (where in the port, docs/downtime-oee.md), and optionally when
 * (`when`, over the site's `erpReportWhen`):
 * - `malfunction`: a malfunction report with the breakdown flag (ErpPort `postDowntime`; SAP PM notification type
 *   M2, `MaintenanceObjectIsDown`), for unplanned breakdowns only;
 * - `notification`: a notification of the given type without the breakdown flag (SAP QMART, 2 characters, e.g. a
 *   customer type `Z1` for planned stops);
 * - `activity-confirmation`: the down time as an activity of the running order's confirmation. Not built: the ERP
 *   port's confirmation carries no activities and the shift knows no running order, so `DowntimeReason` refuses it
 *   (the literal stays so the refusal can say so instead of "unknown report");
 * - `none`: kept in the MES only.
 */
export const ErpDowntimeReport = z.discriminatedUnion('report', [
  z.object({ report: z.literal('malfunction'), when: ReportWhen.optional() }),
  z.object({
    report: z.literal('notification'),
    notificationType: z.string().regex(/^[A-Z0-9]{2}$/, 'must be 2 of A-Z and 0-9 (SAP QMART, e.g. M1 or Z1)'),
    when: ReportWhen.optional(),
  }),
  z.object({ report: z.literal('activity-confirmation') }),
  z.object({ report: z.literal('none') }),
], { error: 'must be one of malfunction, notification (with notificationType), activity-confirmation, none' });
export type ErpDowntimeReport = z.infer<typeof ErpDowntimeReport>;

export const DowntimeReason = z
  .object({
    code: ReasonCode,
    name: z.string().min(1).max(80),
    /** Planned stops (cleaning, planned maintenance, no order planned) are not planned production time. */
    planned: z.boolean(),
    /** Required for an unplanned reason, refused for a planned one. */
    loss: AvailabilityLoss.optional(),
    /** Charged instead of the machine's or the line's cost center (reason level wins). */
    costCenter: CostCenter.optional(),
    /** Absent: a malfunction report for an unplanned breakdown, nothing for every other reason (contracts/downtime-report.ts). */
    erp: ErpDowntimeReport.optional(),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!r.planned && !r.loss) issue('loss', 'required for an unplanned reason: breakdown, setup or idle');
    if (r.planned && r.loss) issue('loss', 'a planned reason is no availability loss: leave loss out');
    if (r.erp?.report === 'malfunction' && (r.planned || r.loss !== 'breakdown'))
      issue('erp', 'a malfunction report with the breakdown flag is for unplanned breakdowns only (planned: false, loss: breakdown)');
    if (r.erp?.report === 'activity-confirmation')
      ctx.addIssue({
        code: 'custom',
        path: ['erp', 'report'],
        message: "activity-confirmation is not built yet (the ERP port's confirmation carries no activity quantities): use malfunction, notification or none",
      });
  });
export type DowntimeReason = z.infer<typeof DowntimeReason>;

export const ReasonCategory = z.object({ code: ReasonCode, name: z.string().min(1).max(80), reasons: z.array(DowntimeReason).min(1) });
export type ReasonCategory = z.infer<typeof ReasonCategory>;

/** Category and reason codes each once in the tree (a reason code names one reason wherever it is used). */
export const ReasonTree = z.array(ReasonCategory).min(1).superRefine((cats, ctx) => {
  const seen = new Set<string>();
  cats.forEach((c, i) => {
    if (seen.has(c.code)) ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `code ${c.code} is used twice` });
    seen.add(c.code);
    c.reasons.forEach((r, j) => {
      if (seen.has(r.code)) ctx.addIssue({ code: 'custom', path: [i, 'reasons', j, 'code'], message: `code ${r.code} is used twice` });
      seen.add(r.code);
    });
  });
});
