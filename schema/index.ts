export * from './master-data.js';
export * from './work-orders.js';
export * from './erp-postings.js';
export * from './unassigned-production.js';
export * from './api-access.js';
export * from './event-outbox.js';
export * from './counter-holds.js';
export * from './machine-counts.js';
