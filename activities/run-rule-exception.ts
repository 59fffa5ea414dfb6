import type { ExceptionMessage } from '../contracts/messages/exception.js';
import type { RunRuleWarning } from '../contracts/messages/inspection.js';
import { RUN_RULE_WARNING_STAGE } from '../contracts/streams.js';

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
