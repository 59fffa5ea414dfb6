import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createExceptionActivities } from '../../activities/exception-notify.js';
import type { ExceptionRoutingConfig } from '../../contracts/messages/exception-routing.js';
import type { Db } from '../../db/client.js';
import { EXCEPTION_TASK_QUEUE } from '../../workflows/definitions.js';
import { connectionOptions, type TemporalTarget } from './temporal-connection.js';
import { workflowInterceptorModules, workflowsPath } from './temporal-worker.js';
import { startExceptionChecks } from '../../services/exceptions/checks.js';
import { startExceptionInbox } from '../../services/exceptions/inbox.js';
import { createMailer } from '../../services/exceptions/mailer.js';

export interface ExceptionServiceOptions {
  db: Db;
  nc: NatsConnection;
  client: Client;
  temporal: TemporalTarget;
  routing: ExceptionRoutingConfig;
  /** The engine's workflow bundle (it holds the routing workflow); bundled from workflows/ when absent. */
  workflowBundle?: WorkflowBundle;
  provision: () => Promise<void>;
  log: Logger;
  /** How often the periodic checks run (ms); 60 s by default. */
  checkEveryMs?: number;
}

/**
 * The exception inbox as one service: the OPS_EXCEPTIONS consumer, the periodic checks, and a Temporal worker on
 * `mes-exceptions` running the routing workflows and their sends (webhook, SMTP, andon).
 */
export async function startExceptionService(o: ExceptionServiceOptions): Promise<{ stop(): Promise<void> }> {
  const mailer = o.routing.smtp ? createMailer(o.routing.smtp) : undefined;
  const connection = await NativeConnection.connect(connectionOptions(o.temporal));
  const worker = await Worker.create({
    connection, namespace: o.temporal.namespace, taskQueue: EXCEPTION_TASK_QUEUE,
    // The engine's bundle, or one built like it (the same interceptor modules): routings replay with either.
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath, interceptors: { workflowModules: workflowInterceptorModules } }),
    activities: createExceptionActivities({ db: o.db, nc: o.nc, routing: () => o.routing, mailer }),
  });
  const running = worker.run();
  const inbox = startExceptionInbox({ nc: o.nc, db: o.db, client: o.client, provision: o.provision, log: o.log });
  const checks = startExceptionChecks(o.db, jetstream(o.nc), o.client, () => o.routing.limits, o.log, o.checkEveryMs);
  return {
    stop: async () => {
      await checks.stop();
      await inbox.stop();
      worker.shutdown();
      await running;
      await connection.close();
      mailer?.close();
    },
  };
}
