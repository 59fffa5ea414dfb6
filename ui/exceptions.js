import { query } from './api.js';

/**
 * The exception inbox (issue 14 item 1) as this page reads it. Expected answer of
 * `GET /exceptions?site=<site>&line=<line>&state=open`:
 *
 *   { items: [{ id, kind, severity, site, line, erpOrderId?, state, count, summary, actions: [...] }] }
 *
 * where `actions` lists what resolves the record (strings, or objects with a `name`), and acknowledging is
 * `POST /exceptions/:id/ack`. While the API has no such route (404), `available` is false and the panel says so:
 * holds are still shown and decided through their own routes.
 * @returns {Promise<{ available: boolean, items: object[] }>}
 */
export async function openExceptions(api, lines) {
  const items = [];
  for (const l of lines) {
    try {
      const page = await api.get(`/exceptions${query({ site: l.site, line: l.line, state: 'open' })}`);
      items.push(...(page?.items ?? []));
    } catch (err) {
      if (err.status === 404) return { available: false, items: [] };
      throw err;
    }
  }
  return { available: true, items };
}

/** Acknowledges an exception: someone has seen it and is on it (stops its escalation). */
export const acknowledgeException = (api, id) => api.post(`/exceptions/${encodeURIComponent(id)}/ack`, {});

/** An action's label, whether the inbox lists actions as names or as objects. */
export const actionName = (a) => (typeof a === 'string' ? a : a?.name ?? a?.kind ?? 'action');
