import { Counter, type Registry } from 'prom-client';

/** Prometheus metrics of the ERP release listener (prom-client), on `registry`. */
export function createListenerMetrics(registry: Registry) {
  return {
    releases: new Counter({
      name: 'mes_listener_releases_total',
      help: 'ERP release messages handled, by outcome: started, updated (release changed), known (already running), ' +
        'refused (cannot be placed or order closed: an exception), conflict (the running order refused the change), malformed, retried (Temporal or PostgreSQL away)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    consumerRecreated: new Counter({ name: 'mes_listener_consumer_recreated_total', help: 'Times the listener\'s durable consumer (or its stream) was found gone and provisioned again, by reason', labelNames: ['reason'] as const, registers: [registry] }),
  };
}
export type ListenerMetrics = ReturnType<typeof createListenerMetrics>;
