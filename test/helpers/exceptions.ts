import { jetstreamManager } from '@nats-io/jetstream';
import type { Client } from '@temporalio/client';
import { OPS_EXCEPTIONS_STREAM, exceptionSubject } from '../../contracts/streams.js';
import { eventually, type TestEngine } from './engine.js';
import { SITE } from './orders.js';

/**
 * An exception as the OPS_EXCEPTIONS stream holds it: `reason` always; `refusal` and `release` when the release check
 * refused a release (services/release-check.ts `publishRefusedRelease`).
 */
export interface StoredException {
  seq: number;
  body: { reason: string; refusal?: { kind: string; issues?: Array<{ field: string }> }; release?: { erpOrderId: string; quantity?: string } };
}

/** The last exception a stage published for the test site; null when none. */
export async function exceptionNow(engine: TestEngine, stage: string): Promise<StoredException | null> {
  const jsm = await jetstreamManager(engine.services.nc);
  const m = await jsm.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: exceptionSubject(SITE, stage) }).catch(() => null);
  return m && { seq: m.seq, body: m.json<StoredException['body']>() };
}

/** Waits for an exception of the stage newer than stream sequence `after` (0: any). */
export const exceptionAfter = (engine: TestEngine, stage: string, after = 0): Promise<StoredException> =>
  eventually(async () => {
    const m = await exceptionNow(engine, stage);
    return m && m.seq > after ? m : undefined;
  }, `an exception from ${stage}`);

/**
 * A Temporal client that knows nothing, as after the namespace's retention forgot a closed run, and says so when
 * asked anything: a check that passes with it decided from PostgreSQL alone.
 */
export const forgetfulTemporal = (): Client =>
  new Proxy({}, { get: () => { throw new Error('Temporal was asked'); } }) as Client;
