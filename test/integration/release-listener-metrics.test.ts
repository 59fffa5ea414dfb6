import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { publishRelease, release, releasesSettled } from '../helpers/orders.js';

// Issue 15 item 4's metrics of the ERP listener: each release message is counted by what became of it.

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine({ bridge: false });
});

afterAll(async () => {
  await engine?.stop();
});

describe('the ERP release listener\'s metrics', () => {
  it('count releases started, already known, refused and malformed', async () => {
    await publishRelease(engine, release('7500001', '10'), 'm-1');
    // The same release again under another message id: the order runs already.
    await publishRelease(engine, release('7500001', '10'), 'm-2');
    // A line the plant does not have: an exception, no order.
    await publishRelease(engine, release('7500002', '10', { line: 'line-404' }), 'm-3');
    // Not a release at all.
    await publishRelease(engine, { v: 1, site: 'plant1' }, 'm-4');
    await releasesSettled(engine);

    const text = await engine.services.bridgeMetrics.registry.metrics();
    const outcome = (o: string) => Number(new RegExp(`^mes_listener_releases_total\\{outcome="${o}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    expect({ started: outcome('started'), known: outcome('known'), refused: outcome('refused'), malformed: outcome('malformed'), retried: outcome('retried') })
      .toEqual({ started: 1, known: 1, refused: 1, malformed: 1, retried: 0 });
  });
});
