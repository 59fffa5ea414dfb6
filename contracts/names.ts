/** Names shared by every process; one place so producers and consumers cannot drift. */

export const TASK_QUEUE = 'mes-orchestration';

// Stream, durable and subject-pattern names are in ./streams.ts.
export const erpReleaseSubject = (site: string): string => `erp.${site}.order.released`;

/** PostgreSQL NOTIFY channel: an order's status changed on `<site>/<line>`, so the bridge's context for it is stale. */
export const LINE_CONTEXT_CHANNEL = 'line_context';
/**
 * PostgreSQL NOTIFY channel: a site's shift calendars changed (db/calendar-edit.ts), or its master data was seeded
 * (db/seed.ts; payload: the site); the bridge reloads its machines, their calendars and measured tags (bridge/context.ts).
 */
export const SHIFT_CALENDARS_CHANNEL = 'shift_calendars';
