import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one bridge process (prom-client); `/metrics` serves `registry`. */
export function createBridgeMetrics(registry = new Registry()) {
  return {
    registry,
    eventsIn: new Counter({ name: 'mes_bridge_events_in_total', help: 'Machine events received', registers: [registry] }),
    routed: new Counter({ name: 'mes_bridge_events_routed_total', help: 'Events delivered, by target workflow type', labelNames: ['target'], registers: [registry] }),
    unassigned: new Counter({ name: 'mes_bridge_unassigned_total', help: 'Production events no order could take', labelNames: ['reason'], registers: [registry] }),
    ignored: new Counter({ name: 'mes_bridge_events_ignored_total', help: 'Events of kinds no workflow consumes yet', registers: [registry] }),
    malformed: new Counter({ name: 'mes_bridge_malformed_total', help: 'Messages terminated as malformed', registers: [registry] }),
    redelivered: new Counter({ name: 'mes_bridge_naks_total', help: 'Messages nak-ed for redelivery (Temporal or DB unavailable)', registers: [registry] }),
    signals: new Counter({ name: 'mes_bridge_signals_total', help: 'Signals sent', labelNames: ['target'], registers: [registry] }),
    batchSize: new Histogram({ name: 'mes_bridge_signal_batch_size', help: 'Events per signal', buckets: [1, 10, 50, 100, 250, 500], registers: [registry] }),
    signalSeconds: new Histogram({ name: 'mes_bridge_signal_seconds', help: 'Time for Temporal to accept a signal', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    lag: new Gauge({ name: 'mes_bridge_consumer_pending', help: 'Messages in the stream not yet delivered to the durable consumer', registers: [registry] }),
  };
}
export type BridgeMetrics = ReturnType<typeof createBridgeMetrics>;
