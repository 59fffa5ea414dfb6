import { z } from 'zod';
import { MaterialCode, Token } from '../tokens.js';

// Inspection characteristics (master data, plant file `inspection`), the measurements that reach a work order, and
// what the order publishes about them: quality alerts and run-rule warnings. Vocabulary after SAP QM (inspection
// characteristic, lower/upper specification limit) and SPC (control limits from a baseline; Western Electric rules).

/**
 * What an out-of-specification value holds: the good units made since the characteristic's last in-spec value
 * (`since-last-good`), or at most the last `size` good units (`{ size }`, a configured lot).
 */
export const LotRule = z.union([z.literal('since-last-good'), z.object({ size: z.number().int().positive().max(1_000_000) })]);
export type LotRule = z.infer<typeof LotRule>;

/**
 * Statistical control of a characteristic: control limits are the mean +- 3 standard deviations of the first
 * `baseline` values of each order (its baseline period), or fixed by `mean` and `sigma` when given. Run rules are
 * checked over the last `window` values once the limits exist.
 */
export const ControlRules = z.object({
  baseline: z.number().int().min(5).max(500).default(20),
  mean: z.number().optional(),
  sigma: z.number().positive().optional(),
  /** Points on one side of the center line that make a run (Western Electric rule 4: 8; Nelson rule 2: 9). */
  runLength: z.number().int().min(6).max(15).default(8),
  /** Points steadily increasing or decreasing that make a trend (Nelson rule 3: 6). */
  trendLength: z.number().int().min(5).max(15).default(6),
}).refine((c) => (c.mean === undefined) === (c.sigma === undefined), 'give both mean and sigma, or neither (then the baseline sets them)');
export type ControlRules = z.infer<typeof ControlRules>;

/**
 * One inspection characteristic of a material's operation on a line: which machine tag (or lab result, `source:
 * 'lab'`) measures it, in which unit, the target and specification limits, what an out-of-spec value does
 * (`hold-continue`: hold the lot, production goes on; `hold-pause`: hold the lot and hold the order, no confirmation
 * until a planner resumes it), the lot rule, and optional SPC control rules.
 */
export const InspectionCharacteristic = z.object({
  /** Unique per site: named by lab results and dispositions. */
  code: Token,
  description: z.string().min(1).max(100),
  line: Token,
  material: MaterialCode,
  /** The order's operation (SAP VORNR), e.g. "0010". */
  operation: z.string().min(1).max(10),
  source: z.enum(['tag', 'lab']).default('tag'),
  /** The machine and tag of the analog value; required for `source: 'tag'`. */
  machine: Token.optional(),
  tag: z.string().min(1).max(128).optional(),
  unit: z.string().min(1).max(16),
  target: z.number(),
  lowerLimit: z.number(),
  upperLimit: z.number(),
  reaction: z.enum(['hold-continue', 'hold-pause']),
  lot: LotRule.default('since-last-good'),
  controlRules: ControlRules.optional(),
  /**
   * Receive the units its holds cover into the ERP's blocked stock (docs/quality.md, "Blocked stock"); applies to
   * orders whose confirmation policy posts goods receipts, others have no stock to block. Default false.
   */
  blockedStock: z.boolean().optional(),
}).superRefine((c, ctx) => {
  if (!(c.lowerLimit < c.upperLimit)) ctx.addIssue({ code: 'custom', path: ['upperLimit'], message: `must be above lowerLimit ${c.lowerLimit}` });
  if (c.target < c.lowerLimit || c.target > c.upperLimit) ctx.addIssue({ code: 'custom', path: ['target'], message: `must lie within ${c.lowerLimit}..${c.upperLimit}` });
  if (c.source === 'tag' && (c.machine === undefined || c.tag === undefined))
    ctx.addIssue({ code: 'custom', path: ['tag'], message: 'a tag characteristic names its machine and tag' });
});
export type InspectionCharacteristic = z.infer<typeof InspectionCharacteristic>;

/** A site's inspection characteristics as the plant file gives them and the site row stores them (sites.quality). */
export const SiteQualityConfig = z.object({ site: Token, characteristics: z.array(InspectionCharacteristic).max(500) });
export type SiteQualityConfig = z.infer<typeof SiteQualityConfig>;

/**
 * One measured value on its way to a work order: an analog machine event (the bridge puts it in the order's outbox
 * delta) or a lab result entered through the API. `id` is the event id (or the lab result's id): applied once.
 */
export const Measurement = z.object({
  id: z.string().min(1).max(200),
  source: z.enum(['tag', 'lab']),
  machine: z.string().max(64).optional(),
  tag: z.string().max(128).optional(),
  /** Lab results name their characteristic. */
  characteristic: z.string().max(64).optional(),
  value: z.number(),
  unit: z.string().max(16),
  sourceTime: z.iso.datetime({ offset: true }),
  /** Who entered a lab result. */
  enteredBy: z.string().max(100).optional(),
});
export type Measurement = z.infer<typeof Measurement>;

/** A lab result as the quality role enters it (`POST /orders/:site/:id/lab-results`). */
export const LabResultBody = z.object({
  characteristic: Token,
  value: z.number({ error: 'must be a number in the characteristic\'s unit' }),
  unit: z.string().min(1).max(16),
  sampledAt: z.iso.datetime({ offset: true }).optional(),
  /** The lab's sample id: a result entered twice under the same id is applied once. */
  sampleId: z.string().min(1).max(100),
});
export type LabResultBody = z.infer<typeof LabResultBody>;

/**
 * An automatic quality hold or its end, on core NATS `mes.<site>.<line>.alerts` (contracts/streams.ts
 * `qualityAlertSubject`): four tokens, so the MES_EVENTS stream never captures it.
 */
export const QualityAlert = z.object({
  v: z.literal(1),
  kind: z.enum(['quality-hold']),
  site: Token,
  line: Token,
  erpOrderId: z.string(),
  workflowId: z.string(),
  holdId: z.number().int().positive(),
  characteristic: z.string(),
  value: z.number(),
  unit: z.string(),
  lowerLimit: z.number(),
  upperLimit: z.number(),
  quantity: z.number().int().nonnegative(),
  reaction: z.enum(['hold-continue', 'hold-pause']),
  sourceTime: z.string(),
});
export type QualityAlert = z.infer<typeof QualityAlert>;

/** The SPC run rules the engine checks (quality/run-rules.ts). */
export const RunRule = z.enum(['beyond-3-sigma', 'run-one-side', 'trend']);
export type RunRule = z.infer<typeof RunRule>;

/**
 * An early warning without a hold, on the ops exception stream `ops.<site>.exception.run-rule-warning`: the run rule
 * that fired, the window it fired on and the control limits it used.
 */
export const RunRuleWarning = z.object({
  v: z.literal(1),
  kind: z.literal('run-rule-warning'),
  site: Token,
  line: Token,
  erpOrderId: z.string(),
  workflowId: z.string(),
  characteristic: z.string(),
  rule: RunRule,
  reason: z.string(),
  center: z.number(),
  sigma: z.number(),
  values: z.array(z.number()).max(50),
  sourceTime: z.string(),
});
export type RunRuleWarning = z.infer<typeof RunRuleWarning>;

/**
 * A tag value the order could not judge: its unit cannot be converted to its characteristic's (an unknown unit, or
 * another quantity: bar against °C). Raised as an exception (validation-failure) so a person fixes the edge tag's unit
 * or the characteristic; the value holds nothing and passes nothing (docs/quality.md, "Units").
 */
export const UnjudgedMeasurement = z.object({
  v: z.literal(1),
  kind: z.literal('measurement-unit-mismatch'),
  site: Token,
  line: Token,
  erpOrderId: z.string(),
  workflowId: z.string(),
  characteristic: z.string(),
  machine: z.string().optional(),
  tag: z.string().optional(),
  measurementId: z.string(),
  value: z.number(),
  unit: z.string(),
  specUnit: z.string(),
  sourceTime: z.string(),
});
export type UnjudgedMeasurement = z.infer<typeof UnjudgedMeasurement>;

/**
 * What a work order publishes about its quality (activities/quality-events.ts): an alert, a run-rule warning, or a
 * value it could not judge.
 */
export type QualityEvent =
  | { kind: 'alert'; alert: QualityAlert }
  | { kind: 'warning'; warning: RunRuleWarning }
  | { kind: 'unjudged'; unjudged: UnjudgedMeasurement };
