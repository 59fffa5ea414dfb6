import { jetstream, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { WorkflowExecutionAlreadyStartedError, type Client, type SignalDefinition } from '@temporalio/client';
import type { Logger } from 'pino';
import { ExceptionMessage } from '../../contracts/messages/exception.js';
import { parseJson, parseOrThrow } from '../../contracts/parse.js';
import { EXCEPTION_INBOX_DURABLE, OPS_EXCEPTIONS_STREAM } from '../../contracts/streams.js';
import type { Db } from '../../db/client.js';
import { recordException } from '../../db/exception-records.js';
import { consumeForever } from '../../jetstream/consume-forever.js';
import { EXCEPTION_TASK_QUEUE, exceptionWorkflowId, type ExceptionActor } from '../../workflows/definitions.js';
import type { exceptionRoutingWorkflow } from '../../workflows/exception-routing.js';

export interface InboxDeps {
  nc: NatsConnection;
  db: Db;
  client: Client;
  /** Creates the streams and durables when missing (jetstream/provision.ts `provisionStreams`). */
  provision: () => Promise<void>;
  log: Logger;
}

/** Starts the record's routing; a routing already started (a repeat, a redelivery, a second inbox) is left as it is. */
export async function startRouting(client: Client, recordId: number): Promise<void> {
  await client.workflow.start<typeof exceptionRoutingWorkflow>('exceptionRoutingWorkflow', { taskQueue: EXCEPTION_TASK_QUEUE, workflowId: exceptionWorkflowId(recordId), args: [{ recordId }] })
    .catch((err: unknown) => { if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; });
}

/**
 * Tells a record's routing (acknowledged, escalate, resolved) with signal-with-start: a routing the inbox has not
 * started yet (it crashed between the record and the start) starts with the signal already in it.
 */
export async function tellRouting(client: Client, recordId: number, signal: SignalDefinition<[ExceptionActor]>, by: string): Promise<void> {
  await client.workflow.signalWithStart<typeof exceptionRoutingWorkflow, [ExceptionActor]>('exceptionRoutingWorkflow', {
    workflowId: exceptionWorkflowId(recordId), taskQueue: EXCEPTION_TASK_QUEUE, args: [{ recordId }], signal, signalArgs: [{ by }],
  });
}

/**
 * The exception inbox: the `exception-inbox` durable on OPS_EXCEPTIONS -> one record per open cause in PostgreSQL
 * (db/exception-records.ts) -> one routing workflow per record. A message the schema refuses is terminated with its
 * field and reason in the log (it can never become a record); PostgreSQL or Temporal away: nak, it comes back.
 */
export function startExceptionInbox(d: InboxDeps): { stop(): Promise<void> } {
  const js = jetstream(d.nc);
  async function onMessage(m: JsMsg): Promise<void> {
    let msg: ExceptionMessage;
    try {
      msg = parseOrThrow(ExceptionMessage, parseJson(m.string(), m.subject), m.subject);
    } catch (err) {
      d.log.warn({ subject: m.subject, seq: m.seq, err: (err as Error).message }, 'exception message refused by its schema, terminated');
      m.term((err as Error).message.slice(0, 200));
      return;
    }
    try {
      const r = await recordException(d.db, msg);
      // Started for every repeat too: a crash between the insert and the start must not leave a record unrouted.
      if (r && r.record.state !== 'resolved') await startRouting(d.client, r.record.id);
      m.ack();
    } catch (err) {
      d.log.warn({ err, subject: m.subject, seq: m.seq }, 'exception not recorded, will redeliver');
      m.nak(2_000);
    }
  }
  const loop = consumeForever(js, {
    stream: OPS_EXCEPTIONS_STREAM, durable: EXCEPTION_INBOX_DURABLE, maxMessages: 64, onMessage, provision: d.provision, log: d.log, name: 'exception inbox',
  });
  return { stop: async () => { loop.stop(); await loop.done; } };
}
