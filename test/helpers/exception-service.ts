import { jetstreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import type { ExceptionRoutingConfig } from '../../contracts/messages/exception-routing.js';
import { provisionStreams } from '../../jetstream/provision.js';
import { startExceptionService } from '../../workers/wiring/exception-service.js';
import type { TestEngine } from './engine.js';

export type ExceptionService = Awaited<ReturnType<typeof startExceptionService>>;

/**
 * A starter of the exception inbox (workers/wiring/exception-service.ts: the OPS_EXCEPTIONS consumer, the periodic
 * checks every `checkEveryMs`, the routing worker on the engine's workflow bundle) on the test engine's servers, as
 * workers/exception-inbox.ts runs it. Call it again after `stop()` to restart the inbox. The caller stops it.
 */
export function exceptionServiceStarter(engine: TestEngine, routing: ExceptionRoutingConfig, checkEveryMs = 500): () => Promise<ExceptionService> {
  const { db, nc, client } = engine.services;
  return async () => {
    const jsm = await jetstreamManager(nc);
    return startExceptionService({
      db, nc, client, temporal: engine.stack.temporal, routing, workflowBundle: engine.workflowBundle,
      provision: () => provisionStreams(jsm), log: pino({ level: 'silent' }), checkEveryMs,
    });
  };
}
