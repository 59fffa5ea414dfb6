import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ErpRejected, ErpUnavailable, type ErpAdapter, type ErpDocument } from '../../../contracts/erp-port.js';
import { createErpMetrics, withErpMetrics } from '../../../erp/metrics.js';

/** An adapter whose confirmations answer from a queue of outcomes; only what the test calls is there. */
class ScriptedErp {
  readonly name = 'scripted';
  constructor(private readonly outcomes: Array<ErpDocument | Error>) {}
  async postConfirmation(): Promise<ErpDocument> {
    const next = this.outcomes.shift()!;
    if (next instanceof Error) throw next;
    return next;
  }
  /** Not a promise: passed through unmeasured. */
  describe(): string {
    return 'scripted ERP';
  }
}

const values = async (r: Registry, name: string) => (await r.getSingleMetric(name)!.get()).values;

describe('ERP adapter metrics', () => {
  it('count calls by outcome and errors by kind, time every call, and leave results, errors and instanceof as they were', async () => {
    const registry = new Registry();
    const doc = { document: '4711', postingKey: 'k' } as unknown as ErpDocument;
    const unavailable = new ErpUnavailable('SAP HTTP 503');
    const rejected = new ErpRejected('quantity too large');
    const raw = new ScriptedErp([doc, unavailable, rejected]);
    const erp = withErpMetrics(raw as unknown as ErpAdapter & ScriptedErp, createErpMetrics(registry));

    expect(erp).toBeInstanceOf(ScriptedErp);
    expect(erp.describe()).toBe('scripted ERP');
    await expect(erp.postConfirmation({} as never)).resolves.toBe(doc);
    await expect(erp.postConfirmation({} as never)).rejects.toBe(unavailable);
    await expect(erp.postConfirmation({} as never)).rejects.toBe(rejected);

    const calls = await values(registry, 'mes_erp_calls_total');
    expect(calls.map((v) => [v.labels.operation, v.labels.outcome, v.value])).toEqual([['postConfirmation', 'ok', 1], ['postConfirmation', 'error', 2]]);
    const errors = await values(registry, 'mes_erp_errors_total');
    expect(errors.map((v) => [v.labels.adapter, v.labels.kind, v.value])).toEqual([['scripted', 'ErpUnavailable', 1], ['scripted', 'ErpRejected', 1]]);
    expect(await registry.metrics()).toMatch(/^mes_erp_call_seconds_count\{adapter="scripted",operation="postConfirmation"\} 3$/m);
    expect((await values(registry, 'mes_erp_calls_total')).some((v) => v.labels.operation === 'describe')).toBe(false);
  });
});
