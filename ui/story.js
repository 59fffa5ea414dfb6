import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { query } from './api.js';
import { ChartView, orderProgressConfig } from './charts.js';

const HOLD_STATUSES = ['held', 'accepted', 'rejected'];

/**
 * An order's story: its progress against plan (the counts the page saw live), then a timeline of what happened:
 * released, the counts as they came, postings to the ERP with their documents and errors, quality holds and counter
 * holds, decided or not. From `GET /orders/:site/:erpOrderId` (read model), the page's WIP samples and
 * `GET /production/holds` of the order's line in each status.
 */
export function OrderStory({ api, site, line, erpOrderId, samples, onClose }) {
  const [detail, setDetail] = useState(null);
  const [holds, setHolds] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get(`/orders/${site}/${erpOrderId}`).then(setDetail, (e) => setError(e.message));
    Promise.all(HOLD_STATUSES.map((status) => api.get(`/production/holds${query({ site, line, status })}`)))
      .then((pages) => setHolds(pages.flatMap((p) => p.holds).filter((h) => h.order?.erpOrderId === erpOrderId)), (e) => setError(e.message));
  }, [site, line, erpOrderId, samples.length]);
  const s = detail?.status;
  const events = s
    ? [
      { t: Date.parse(s.releasedAt), text: `Released: ${s.plannedQuantity} ${s.unit} of ${s.material} to ${s.line}` },
      ...samples.map((x) => ({ t: x.t, text: `Counted: ${x.good} good, ${x.scrap} scrap` })),
      ...holds.map((h) => ({ t: Date.parse(h.sourceTime), text: `Counter hold on ${h.machine}: ${h.delta} ${h.counter}, ${h.status}` })),
    ].sort((a, b) => a.t - b.t)
    : [];
  return html`
    <section class="card story" data-testid="order-story">
      <header>
        <h2>Order ${erpOrderId} <small>${site}</small></h2>
        <button class="secondary" onClick=${onClose}>Close</button>
      </header>
      ${error && html`<p class="error">${error}</p>`}
      ${s && html`
        <p><span class="badge idle">${s.phase}</span> ${s.good} good, ${s.scrap} scrap of ${s.plannedQuantity} ${s.unit};
          confirmed ${s.confirmedGood}${s.confirmationDocument ? ` (document ${s.confirmationDocument})` : ''}${s.exception ? ` · ${s.exception}` : ''}</p>
        <${ChartView} label=${`Counts against plan of ${erpOrderId}`} config=${orderProgressConfig(samples, Number(s.plannedQuantity))} />
        <ol class="timeline">
          ${events.map((e, i) => html`<li key=${i}><time>${new Date(e.t).toLocaleTimeString()}</time> ${e.text}</li>`)}
        </ol>
        <h3>Postings to the ERP</h3>
        ${detail.postings.length === 0 && html`<p class="muted">Nothing posted yet.</p>`}
        <ul class="rows">${detail.postings.map((p) => html`
          <li key=${p.postingKey}><div><strong>${p.kind}</strong> ${p.status}${p.erpDocument ? ` · document ${p.erpDocument}` : ''} · ${p.attempts} attempt(s)
            ${p.lastError && html`<div class="error">${p.lastError}</div>`}</div></li>`)}</ul>
        <h3>Quality holds</h3>
        ${s.qualityHolds.length === 0 && html`<p class="muted">None.</p>`}
        <ul class="rows">${s.qualityHolds.map((q) => html`
          <li key=${q.id}><div>${q.quantity} units: ${q.defectText} (by ${q.requestedBy}) · ${q.disposition ?? 'open'}${q.blockedStock ? ` · blocked stock ${q.blockedStock.received}${q.blockedStock.settled ? `, ${q.blockedStock.settled}` : ''}` : ''}</div></li>`)}</ul>`}
    </section>`;
}
