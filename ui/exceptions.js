import { query } from './api.js';

/**
 * The exception inbox (docs/exceptions.md) as this page reads it: `GET /exceptions?site=&line=&state=unresolved`
 * answers `{ exceptions: ExceptionView[] }` (contracts/messages/exception.ts: id, kind, severity, state open |
 * acknowledged, site, line, erpOrderId, reason, evidence, actions, repeatCount, acknowledgedBy, assignedTo, ...).
 * The API lists only what the token's places allow.
 * @returns {Promise<object[]>} the lines' open and acknowledged records, newest first per line
 */
export async function openExceptions(api, lines) {
  const all = [];
  for (const l of lines) all.push(...(await api.get(`/exceptions${query({ site: l.site, line: l.line, state: 'unresolved' })}`)).exceptions);
  return all;
}

/** Acknowledges an exception: someone has seen it and is on it (its escalation stops). Answers the record. */
export const acknowledgeException = (api, id, note) => api.post(`/exceptions/${id}/acknowledge`, note ? { note } : {});

/**
 * Resolves an exception with one of its actions: `retry`, `skip` (needs `reason`), `accept`, `assign` (unassigned
 * production to the order `erpOrderId`), `escalate` (tells the next level, the record stays open). Answers the record;
 * a refusal (400 naming the field, 409 already resolved) throws with the API's detail.
 */
export const resolveException = (api, id, body) => api.post(`/exceptions/${id}/resolve`, body);

/** What each resolve action needs typed first: `skip` a reason, `assign` the order that takes the production. */
export const needs = { skip: 'reason', assign: 'erpOrderId' };
