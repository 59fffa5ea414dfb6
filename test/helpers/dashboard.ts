import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../stack/paths.js';

/** The parts of a Grafana dashboard (JSON model, schemaVersion 39) the checks read: each panel's PromQL. */
const Dashboard = z.object({
  panels: z.array(z.object({ type: z.string(), title: z.string(), targets: z.array(z.object({ expr: z.string().min(1) })).optional() })),
});

export const dashboardFile = path.join(projectRoot, 'observability', 'grafana', 'mes-dashboard.json');

/**
 * The metric families the shipped dashboard queries whose name starts with `prefix` (`mes_`, `temporal_`), as the
 * process registers them: a histogram's `_bucket`, `_count` and `_sum` series count as the histogram.
 * @throws ZodError naming the field when the file is not a dashboard with panels and queries.
 */
export function dashboardMetricNames(prefix: string): string[] {
  const d = Dashboard.parse(JSON.parse(readFileSync(dashboardFile, 'utf8')));
  const names = new Set<string>();
  for (const p of d.panels) {
    for (const t of p.targets ?? []) {
      for (const m of t.expr.matchAll(new RegExp(`\\b${prefix}[a-z0-9_]+`, 'g'))) names.add(m[0].replace(/_(bucket|count|sum)$/, ''));
    }
  }
  return [...names].sort();
}
