import { useState } from 'preact/hooks';
import { html } from './html.js';
import { needs } from './exceptions.js';

/**
 * Open counter holds (readings the edge refused to count, api/routes/counter-holds.ts) with Accept and Reject, and
 * open quality holds of the lines' active orders with Release and Scrap. `act` runs an API call and refreshes.
 */
export function HoldsPanel({ counterHolds, qualityHolds, act }) {
  const [reasons, setReasons] = useState({});
  const none = counterHolds.length === 0 && qualityHolds.length === 0;
  return html`
    <section class="card" data-testid="holds">
      <h2>Open holds</h2>
      ${none && html`<p class="muted">No open holds.</p>`}
      <ul class="rows">
        ${counterHolds.map((h) => html`
          <li key=${h.eventId} data-testid="hold-row" data-event=${h.eventId} data-line=${h.line}>
            <div>
              <strong>Counter hold</strong> ${h.line} · ${h.machine}: ${h.delta} ${h.counter} (${h.reason.replace(/_/g, ' ')})
              ${h.order && html` · order ${h.order.erpOrderId}`}
              <div class="muted">${new Date(h.sourceTime).toLocaleString()} · readings ${h.readings.map((r) => r.raw).join(' → ')}</div>
            </div>
            <div class="actions">
              <button onClick=${() => act(`/production/holds/${encodeURIComponent(h.eventId)}/accept`, { note: 'accepted on the supervisor page' })}>Accept</button>
              <input placeholder="reason to reject" aria-label="reason to reject" value=${reasons[h.eventId] ?? ''}
                onInput=${(e) => setReasons({ ...reasons, [h.eventId]: e.currentTarget.value })} />
              <button class="danger" disabled=${!(reasons[h.eventId] ?? '').trim()}
                onClick=${() => act(`/production/holds/${encodeURIComponent(h.eventId)}/reject`, { reason: reasons[h.eventId] })}>Reject</button>
            </div>
          </li>`)}
        ${qualityHolds.map((q) => html`
          <li key=${`${q.erpOrderId}-${q.id}`} data-testid="quality-hold-row">
            <div>
              <strong>Quality hold</strong> ${q.line} · order ${q.erpOrderId}: ${q.quantity} units, ${q.defectText}
              <div class="muted">by ${q.requestedBy}${q.notification ? ` · notification ${q.notification}` : ''}${q.blockedStock ? ` · ${q.blockedStock.received} in blocked stock` : ''}</div>
            </div>
            <div class="actions">
              <button onClick=${() => act(`/orders/${q.site}/${q.erpOrderId}/quality-holds/${q.id}/disposition`, { decision: 'release' })}>Release</button>
              <button class="danger" onClick=${() => act(`/orders/${q.site}/${q.erpOrderId}/quality-holds/${q.id}/disposition`, { decision: 'scrap' })}>Scrap</button>
            </div>
          </li>`)}
      </ul>
    </section>`;
}

/** Labels of the inbox's resolve actions (contracts/messages/exception.ts `ExceptionAction`). */
const ACTION_LABEL = { retry: 'Retry', skip: 'Skip', accept: 'Accept', assign: 'Assign', escalate: 'Escalate' };
/** Placeholders of what an action needs typed (ui/exceptions.js `needs`). */
const INPUT_LABEL = { reason: 'reason', erpOrderId: 'order to assign to' };

/**
 * Open and acknowledged exceptions from the inbox (ui/exceptions.js), each with Acknowledge while open and a button
 * per resolve action it offers; Skip waits for a reason and Assign for an order number, as the API refuses them
 * without (docs/exceptions.md). `onAck(id)` and `onResolve(id, body)` run the calls and refresh.
 */
export function ExceptionsPanel({ exceptions, onAck, onResolve }) {
  const [typed, setTyped] = useState({});
  const field = (id, name) => (typed[id]?.[name] ?? '').trim();
  const type = (id, name) => (e) => setTyped({ ...typed, [id]: { ...typed[id], [name]: e.currentTarget.value } });
  const body = (x, action) => {
    const b = { action };
    if (field(x.id, 'reason')) b.reason = field(x.id, 'reason');
    if (action === 'assign') b.erpOrderId = field(x.id, 'erpOrderId');
    return b;
  };
  return html`
    <section class="card" data-testid="exceptions">
      <h2>Exceptions</h2>
      ${exceptions.length === 0 && html`<p class="muted">No open exceptions.</p>`}
      <ul class="rows">
        ${exceptions.map((x) => html`
          <li key=${x.id} data-testid="exception-row" data-id=${x.id} data-kind=${x.kind} data-state=${x.state}>
            <div>
              <span class=${`badge ${x.severity === 'critical' ? 'alert' : 'idle'}`}>${x.severity}</span>
              <strong> ${x.kind}</strong> ${x.line ?? x.site}${x.erpOrderId ? ` · order ${x.erpOrderId}` : ''}${x.repeatCount > 1 ? ` · ×${x.repeatCount}` : ''}
              <div>${x.reason}</div>
              <div class="muted">${x.state}${x.acknowledgedBy ? ` by ${x.acknowledgedBy}` : ''}${x.assignedTo ? ` · assigned to ${x.assignedTo}` : ''}${x.escalationLevel > 0 ? ` · escalated to level ${x.escalationLevel}` : ''}</div>
            </div>
            <div class="actions">
              ${x.state === 'open' && html`<button onClick=${() => onAck(x.id)}>Acknowledge</button>`}
              ${x.actions.map((a) => html`
                <span key=${a} class="actions">
                  ${needs[a] && html`<input placeholder=${INPUT_LABEL[needs[a]]} aria-label=${INPUT_LABEL[needs[a]]} value=${typed[x.id]?.[needs[a]] ?? ''} onInput=${type(x.id, needs[a])} />`}
                  <button class=${a === 'skip' ? 'danger' : 'secondary'} disabled=${(needs[a] && !field(x.id, needs[a])) || false}
                    onClick=${() => onResolve(x.id, body(x, a))}>${ACTION_LABEL[a] ?? a}</button>
                </span>`)}
            </div>
          </li>`)}
      </ul>
    </section>`;
}
