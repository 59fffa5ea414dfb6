/** Names shared by every process; one place so producers and consumers cannot drift. */

export const TASK_QUEUE = 'mes-orchestration';

export const ERP_EVENTS_STREAM = 'ERP_EVENTS';
export const erpReleaseSubject = (site: string): string => `erp.${site}.order.released`;
export const ERP_RELEASE_SUBJECTS = 'erp.*.order.released';
export const ERP_LISTENER_DURABLE = 'erp-listener';

/** PostgreSQL NOTIFY channel: an order's status changed on `<site>/<line>`, so the bridge's context for it is stale. */
export const LINE_CONTEXT_CHANNEL = 'line_context';
