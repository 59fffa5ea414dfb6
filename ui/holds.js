import { useState } from 'preact/hooks';
import { html } from './html.js';
import { actionName } from './exceptions.js';

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
              <div class="muted">by ${q.requestedBy}${q.notification ? ` · notification ${q.notification}` : ''}</div>
            </div>
            <div class="actions">
              <button onClick=${() => act(`/orders/${q.site}/${q.erpOrderId}/quality-holds/${q.id}/disposition`, { decision: 'release' })}>Release</button>
              <button class="danger" onClick=${() => act(`/orders/${q.site}/${q.erpOrderId}/quality-holds/${q.id}/disposition`, { decision: 'scrap' })}>Scrap</button>
            </div>
          </li>`)}
      </ul>
    </section>`;
}

/** Open exceptions from the inbox (ui/exceptions.js), each with its actions; acknowledging is wired here. */
export function ExceptionsPanel({ exceptions, onAck }) {
  return html`
    <section class="card" data-testid="exceptions">
      <h2>Exceptions</h2>
      ${!exceptions.available && html`<p class="muted">The exception inbox is not served by this API yet.</p>`}
      ${exceptions.available && exceptions.items.length === 0 && html`<p class="muted">No open exceptions.</p>`}
      <ul class="rows">
        ${exceptions.items.map((x) => html`
          <li key=${x.id} data-testid="exception-row" data-id=${x.id}>
            <div>
              <span class=${`badge ${x.severity === 'critical' || x.severity === 'high' ? 'alert' : 'idle'}`}>${x.severity}</span>
              <strong> ${x.kind}</strong> ${x.line ?? x.site}${x.erpOrderId ? ` · order ${x.erpOrderId}` : ''}${x.count > 1 ? ` · ×${x.count}` : ''}
              <div>${x.summary}</div>
              <div class="muted">${x.state} · actions: ${(x.actions ?? []).map(actionName).join(', ') || 'none'}</div>
            </div>
            <div class="actions">
              ${x.state === 'open' && html`<button onClick=${() => onAck(x.id)}>Acknowledge</button>`}
            </div>
          </li>`)}
      </ul>
    </section>`;
}
