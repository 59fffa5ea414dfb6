import { html } from './html.js';
import { lineState, ratePerMinute } from './live-figures.js';
import { ChartView, oeeTrendConfig, paretoConfig } from './charts.js';

const pct = (v) => (v == null ? '–' : `${Math.round(v * 1000) / 10} %`);
/**
 * The shift's downtime in minutes: by reason with downtime master data, else every machine state but running and
 * unknown (time not observed is not downtime: OEE counts it apart, docs/downtime-oee.md).
 */
const downtimeMinutes = (summary) => {
  const byReason = summary?.oee?.downtimeByReason;
  const ms = byReason
    ? Object.values(byReason).reduce((a, t) => a + t.ms, 0)
    : Object.entries(summary?.stateMs ?? {}).reduce((a, [state, v]) => (state === 'running' || state === 'unknown' ? a : a + v), 0);
  return Math.round(ms / 6_000) / 10;
};

/**
 * One line's card: state, active order with its counts against plan and rate, and the current shift's OEE and
 * downtime. `order` is the live view of the active order (ui/live-figures.js `liveOrder`).
 */
export function LineCard({ line, order, samples, shift, onStory }) {
  const state = lineState(order);
  const rate = ratePerMinute(samples ?? []);
  const summary = shift?.summary;
  return html`
    <article class="card line" data-testid="line-card" data-line=${line.line} data-site=${line.site}>
      <header>
        <h2>${line.name} <small>${line.site}/${line.line}</small></h2>
        <span class=${`badge ${state.tone}`} data-testid="line-state">${state.label}</span>
      </header>
      ${order
        ? html`
          <div class="order">
            <div class="muted">Order <strong>${order.erpOrderId}</strong> · ${order.material}</div>
            <div class="count">
              <span class="big" data-testid="good-count">${order.good}</span>
              <span class="muted"> / ${order.plannedQuantity} ${order.unit}</span>
            </div>
            <progress max=${Number(order.plannedQuantity)} value=${order.good}></progress>
            <dl class="figures">
              <div><dt>Scrap</dt><dd data-testid="scrap-count">${order.scrap}</dd></div>
              <div><dt>Rate</dt><dd data-testid="rate">${rate == null ? '–' : `${Math.round(rate * 10) / 10}/min`}</dd></div>
              <div><dt>Quality held</dt><dd>${order.qualityHeld}</dd></div>
            </dl>
            <button class="secondary" onClick=${() => onStory(line.site, order.erpOrderId)}>Order story</button>
          </div>`
        : html`<p class="muted">No order released to this line.</p>`}
      <div class="shift">
        ${line.shift
          ? html`
            <div class="muted">Shift ${line.shift.shiftCode} of ${line.shift.date}</div>
            ${summary
              ? html`<dl class="figures">
                  <div><dt>OEE</dt><dd data-testid="oee">${pct(summary.oee?.line?.oee)}</dd></div>
                  <div><dt>Availability</dt><dd>${pct(summary.oee?.line?.availability ?? summary.availability)}</dd></div>
                  <div><dt>Quality</dt><dd>${pct(summary.oee?.line?.quality ?? summary.quality)}</dd></div>
                  <div><dt>Downtime</dt><dd data-testid="downtime">${downtimeMinutes(summary)} min</dd></div>
                </dl>`
              : html`<p class="muted">${shift?.error ?? 'No figures for this shift yet.'}</p>`}`
          : html`<p class="muted">No shift now.</p>`}
      </div>
    </article>`;
}

/** A line's current shift as charts: the downtime Pareto and the OEE trend the page sampled. */
export function ShiftCharts({ line, shift }) {
  if (!shift?.summary) return null;
  const pareto = paretoConfig(shift.summary);
  const trend = shift.trend ?? [];
  return html`
    <article class="card" data-testid="shift-charts" data-line=${line.line}>
      <h3>${line.line}: downtime by cause</h3>
      ${pareto.data.labels.length > 0
        ? html`<${ChartView} label=${`Downtime Pareto of ${line.line}`} config=${pareto} />`
        : html`<p class="muted">No downtime in this shift so far.</p>`}
      <h3>${line.line}: OEE trend</h3>
      ${trend.some((p) => p.oee != null || p.availability != null || p.quality != null)
        ? html`<${ChartView} label=${`OEE trend of ${line.line}`} config=${oeeTrendConfig(trend)} />`
        : html`<p class="muted">No OEE figures yet: they need machine states and the site's downtime master data (docs/downtime-oee.md).</p>`}
    </article>`;
}
