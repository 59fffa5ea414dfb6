import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createApiMetrics } from '../../../api/metrics.js';
import { createListenerMetrics } from '../../../bridge/listener-metrics.js';
import { createBridgeMetrics } from '../../../bridge/metrics.js';
import { createEdgeMetrics } from '../../../edge/metrics.js';
import { createErpMetrics } from '../../../erp/metrics.js';
import { dashboardMetricNames } from '../../helpers/dashboard.js';

// The Grafana dashboard shipped in observability/grafana/ queries metrics by name: a renamed metric would leave an
// empty panel and nobody would notice. The Temporal SDK's names are checked against a real worker's endpoint
// (test/integration/worker-metrics.test.ts).
describe('the Grafana dashboard', () => {
  it('queries only metrics the edge gateway, the bridge, the ERP adapter, the API and the listener register, and some of each', async () => {
    const erp = new Registry();
    createErpMetrics(erp);
    createApiMetrics(erp);
    createListenerMetrics(erp);
    const registered = new Set<string>();
    for (const r of [createEdgeMetrics().registry, createBridgeMetrics().registry, erp]) for (const m of await r.getMetricsAsJSON()) registered.add(m.name);
    const queried = dashboardMetricNames('mes_');
    expect(queried.filter((n) => !registered.has(n))).toEqual([]);
    for (const part of ['mes_edge_', 'mes_bridge_', 'mes_erp_', 'mes_api_', 'mes_listener_']) expect(queried.some((n) => n.startsWith(part))).toBe(true);
  });
});
