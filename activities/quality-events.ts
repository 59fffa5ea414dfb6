import { log } from '@temporalio/activity';
import { ExceptionMessage } from '../contracts/messages/exception.js';
import { QualityAlert, RunRuleWarning, UnjudgedMeasurement, type QualityEvent } from '../contracts/messages/inspection.js';
import { MEASUREMENT_UNITS_STAGE, runRuleException, unjudgedException } from './quality-exceptions.js';
import { exceptionSubject, qualityAlertSubject, RUN_RULE_WARNING_STAGE } from '../contracts/streams.js';

/** Publishes one JSON message on a NATS subject (workers/wiring/wip-publisher.ts `natsJsonPublisher`). */
export type PublishJson = (subject: string, payload: unknown) => void | Promise<void>;

export function createQualityEventActivities(deps: { publishJson?: PublishJson }) {
  return {
    /**
     * A work order's quality events, each checked against its contract before it leaves: automatic holds as alerts on
     * `mes.<site>.<line>.alerts`; run-rule warnings and unjudged tag values on the ops exception stream
     * (`ops.<site>.exception.run-rule-warning`, `.measurement-units`) as messages the exception inbox records
     * (activities/quality-exceptions.ts). Best effort: NATS away or a contract bug is logged, never fails the order
     * (the hold itself is in the workflow, its search attribute and the ERP's notification).
     */
    async publishQualityEvents(events: QualityEvent[]): Promise<void> {
      for (const e of events) {
        try {
          if (!deps.publishJson) throw new Error('no NATS publisher configured');
          if (e.kind === 'alert') await deps.publishJson(qualityAlertSubject(e.alert.site, e.alert.line), QualityAlert.parse(e.alert));
          else if (e.kind === 'unjudged') {
            await deps.publishJson(exceptionSubject(e.unjudged.site, MEASUREMENT_UNITS_STAGE), ExceptionMessage.parse(unjudgedException(UnjudgedMeasurement.parse(e.unjudged))));
          }
          // The inbox's own message (its record, routing and actions), the warning's fields kept beside it.
          else await deps.publishJson(exceptionSubject(e.warning.site, RUN_RULE_WARNING_STAGE), { ...RunRuleWarning.parse(e.warning), ...ExceptionMessage.parse(runRuleException(e.warning)) });
        } catch (err) {
          log.warn('quality event not published', { kind: e.kind, error: String(err) });
        }
      }
    },
  };
}
