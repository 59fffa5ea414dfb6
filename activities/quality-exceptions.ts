import type { ExceptionMessage } from '../contracts/messages/exception.js';
import type { RunRuleWarning, UnjudgedMeasurement } from '../contracts/messages/inspection.js';
import { RUN_RULE_WARNING_STAGE } from '../contracts/streams.js';

// A work order's quality findings as the exception inbox takes them (contracts/messages/exception.ts).

/** The stage a work order's unjudged measurements are published under: `ops.<site>.exception.measurement-units`. */
export const MEASUREMENT_UNITS_STAGE = 'measurement-units';

/**
 * A run rule's warning as the exception inbox takes it (contracts/messages/exception.ts): kind `run-rule-warning`,
 * severity `warning`, one open record per order, characteristic and rule (`causeKey`), one occurrence per episode
 * (the value that made the rule true, by its source time), blocking no workflow (nothing is held). A person accepts
 * or escalates it. The warning's own fields travel in `evidence`.
 */
export function runRuleException(w: RunRuleWarning): ExceptionMessage {
  return {
    kind: 'run-rule-warning', severity: 'warning', site: w.site, line: w.line, erpOrderId: w.erpOrderId, workflowId: null,
    stage: RUN_RULE_WARNING_STAGE,
    causeKey: `run-rule:${w.erpOrderId}:${w.characteristic}:${w.rule}`,
    occurrence: w.sourceTime,
    reason: w.reason,
    evidence: { characteristic: w.characteristic, rule: w.rule, center: w.center, sigma: w.sigma, values: w.values, sourceTime: w.sourceTime, orderWorkflowId: w.workflowId },
    actions: ['accept', 'escalate'],
    occurredAt: w.sourceTime,
  };
}

/**
 * A tag value the order could not judge (its unit and its characteristic's cannot be converted) as a
 * `validation-failure` for a person: one open record per order, characteristic and unit; the value itself is the
 * occurrence. It blocks nothing, and its fix is outside the MES run (the edge tag's unit or the characteristic).
 */
export function unjudgedException(u: UnjudgedMeasurement): ExceptionMessage {
  const where = [u.machine, u.tag].filter(Boolean).join(' ');
  return {
    kind: 'validation-failure', severity: 'warning', site: u.site, line: u.line, erpOrderId: u.erpOrderId, workflowId: null,
    stage: MEASUREMENT_UNITS_STAGE,
    causeKey: `measurement-unit:${u.erpOrderId}:${u.characteristic}:${u.unit}`,
    occurrence: u.measurementId,
    reason: `${where || 'a tag'}: ${u.value} ${u.unit || '(no unit)'} cannot be judged against characteristic ${u.characteristic} in ${u.specUnit} ` +
      '(another quantity, or a unit not known): its values hold nothing; fix the edge tag\'s unit or the characteristic',
    evidence: { ...u },
    actions: ['accept', 'escalate'],
    occurredAt: u.sourceTime,
  };
}
