import { jetstream, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { OrderReleased } from '../contracts/messages/order-release.js';
import { ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE } from '../contracts/streams.js';
import { consumeForever } from '../jetstream/consume-forever.js';
import { InvalidInput, parseJson, parseOrThrow } from '../contracts/parse.js';
import type { Db } from '../db/client.js';
import { checkRelease, publishRefusedRelease } from '../services/release-check.js';
import { startWorkOrder } from '../services/start-work-order.js';
import { publishMessageException } from './exceptions.js';
import { handleSapEventMessage } from './sap-event-listener.js';
import { isCloudEvent } from '../contracts/messages/sap-event.js';
import type { SapIntakeDeps } from '../services/sap-intake.js';
import type { ListenerMetrics } from './listener-metrics.js';

export interface ReleaseListenerDeps {
  nc: NatsConnection;
  client: Client;
  /** The MES's own records: master data to place a release, and the orders it recorded as closed. */
  db: Db;
  log: Logger;
  /**
   * Creates the streams and durables when missing (jetstream/provision.ts `provisionStreams`); called again when the
   * listener's durable or the ERP_EVENTS stream is found gone while running.
   */
  provision: () => Promise<void>;
  /**
   * SAP's production order business events (CloudEvents JSON) on the same subjects go to the SAP intake
   * (bridge/sap-event-listener.ts); without it they are refused as releases of the wrong shape.
   */
  sapIntake?: SapIntakeDeps;
  /** Counts each release by outcome (bridge/listener-metrics.ts); none when absent. */
  metrics?: ListenerMetrics;
}

const RETRY_DELAY_MS = 5_000;

/**
 * Consumes ERP release events and starts one work-order workflow per order. A release is acked only after Temporal
 * accepted the start (or said the order exists); a malformed one goes to the exception subject and is terminated;
 * one the MES cannot place, or of an order it recorded as closed (services/release-check.ts), goes to the exception
 * subject with its reason and is acked: never a silent order.
 */
export function startErpReleaseListener(deps: ReleaseListenerDeps): { stop(): Promise<void>; done: Promise<void>; recreations(): number } {
  const { nc, client, log, metrics } = deps;
  const js = jetstream(nc);
  const count = (outcome: 'started' | 'updated' | 'known' | 'refused' | 'conflict' | 'malformed' | 'retried') => metrics?.releases.inc({ outcome });

  async function handle(m: JsMsg): Promise<void> {
    let release: OrderReleased;
    try {
      const raw = parseJson(m.string(), m.subject);
      if (deps.sapIntake && isCloudEvent(raw)) return await handleSapEventMessage(deps.sapIntake, js, log, m, raw);
      release = parseOrThrow(OrderReleased, raw, m.subject);
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      log.warn({ subject: m.subject, seq: m.seq, reason: err.message }, 'release rejected');
      count('malformed');
      await publishMessageException(js, m, 'erp-listener', err.message);
      m.term(err.message);
      return;
    }
    // Every line about this release names its order (observability/log-fields.ts).
    const olog = log.child({ site: release.site, line: release.line, order: release.erpOrderId });
    try {
      const refusal = await checkRelease(deps.db, release);
      if (refusal) {
        olog.warn({ erpOrderId: release.erpOrderId, refusal: refusal.kind, reason: refusal.message }, 'release refused');
        await publishRefusedRelease(js, 'erp-listener', release, refusal);
        count('refused');
        m.ack();
        return;
      }
      const r = await startWorkOrder(client, release);
      if (r.refused) {
        // A business refusal: retrying the same message cannot succeed, a person must look.
        olog.warn({ workflowId: r.workflowId, reason: r.refused }, 'changed release refused by the running order');
        await publishMessageException(js, m, 'erp-listener', r.refused);
        count('conflict');
      } else {
        count(r.started ? 'started' : r.updated ? 'updated' : 'known');
        olog.info({ workflowId: r.workflowId, started: r.started, updated: r.updated }, r.started ? 'work order started' : r.updated ? 'work order release changed' : 'release already known');
      }
      m.ack();
    } catch (err) {
      olog.warn({ err, erpOrderId: release.erpOrderId }, 'could not start work order, retrying later');
      count('retried');
      m.nak(RETRY_DELAY_MS);
    }
  }

  // consume() ends when the consumer or connection goes away; consumeForever gets it again until stop(), and
  // provisions it again when it is gone (counted when the process has metrics; the log says it either way).
  const consuming = consumeForever(js, {
    stream: ERP_EVENTS_STREAM,
    durable: ERP_LISTENER_DURABLE,
    maxMessages: 64,
    onMessage: handle,
    provision: deps.provision,
    onRecreated: (reason) => metrics?.consumerRecreated.inc({ reason }),
    log,
    name: 'release',
  });
  return {
    done: consuming.done,
    recreations: consuming.recreations,
    stop: async () => {
      consuming.stop();
      await consuming.done;
    },
  };
}
