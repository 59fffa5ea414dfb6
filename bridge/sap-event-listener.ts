import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { ErpRejected } from '../contracts/erp-port.js';
import { SapProductionOrderEvent } from '../contracts/messages/sap-event.js';
import { describeIssues } from '../contracts/parse.js';
import { publishRefusedRelease } from '../services/release-check.js';
import { InvalidRelease, takeSapEvent, type SapIntakeDeps } from '../services/sap-intake.js';
import { publishMessageException } from './exceptions.js';

const RETRY_DELAY_MS = 5_000;
/**
 * An event whose order SAP does not show yet is tried again this often before a person is told: SAP publishes after
 * its commit, but a read from another application server can trail it for a moment.
 */
const UNKNOWN_ORDER_TRIES = 5;

/**
 * One SAP production order business event (CloudEvents JSON) from `erp.<site>.order.released`, settled once:
 * acked after the intake took it (started, changed, closed, already known, not released); an event that is not
 * SAP's shape, an order no line runs, a release SAP's values cannot make or a change the running order refuses goes
 * to `ops.<site>.exception.erp-listener` for a person and is terminated; a release the release check refuses (site,
 * line or material unknown, the order closed in the MES's records) goes there as the NATS release listener sends it
 * (services/release-check.ts `publishRefusedRelease`: the refusal and the release) and is acked, as there; SAP
 * unreachable, PostgreSQL or Temporal failing: nak, tried again. The intake is idempotent by order, so a redelivery
 * starts nothing twice.
 */
export async function handleSapEventMessage(deps: SapIntakeDeps, js: JetStreamClient, log: Logger, m: JsMsg, raw: unknown): Promise<void> {
  const parsed = SapProductionOrderEvent.safeParse(raw);
  const toPerson = async (reason: string) => {
    log.warn({ subject: m.subject, seq: m.seq, reason }, 'SAP event not taken');
    await publishMessageException(js, m, 'erp-listener', reason);
    m.term(reason);
  };
  if (!parsed.success) return toPerson(`SAP event: ${describeIssues(parsed.error).map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  try {
    const r = await takeSapEvent(deps, parsed.data);
    if (r.outcome === 'unknown-order' && m.info.deliveryCount < UNKNOWN_ORDER_TRIES) return m.nak(RETRY_DELAY_MS);
    if (r.refusal && r.release) {
      log.warn({ erpOrderId: r.erpOrderId, refusal: r.refusal.kind, reason: r.refusal.message }, 'SAP release refused');
      await publishRefusedRelease(js, 'erp-listener', r.release, r.refusal);
      return m.ack();
    }
    if (r.outcome === 'unplaced' || r.outcome === 'refused' || r.outcome === 'unknown-order') return toPerson(`SAP order ${r.erpOrderId}: ${r.outcome}: ${r.reason ?? ''}`);
    log.info({ eventId: parsed.data.id, type: parsed.data.type, ...r }, 'SAP event taken');
    m.ack();
  } catch (err) {
    // A refusal (an order SAP holds that the port cannot read, a release it cannot make) is not retried.
    if (err instanceof InvalidRelease || err instanceof ErpRejected) return toPerson((err as Error).message);
    log.warn({ err, eventId: parsed.data.id }, 'SAP event not taken yet, retrying later');
    m.nak(RETRY_DELAY_MS);
  }
}
