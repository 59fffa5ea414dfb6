import { Chart, registerables } from 'chart.js';
import { html } from './html.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(...registerables);
Chart.defaults.font.size = 14;
Chart.defaults.maintainAspectRatio = false;

/**
 * A chart.js chart as a preact component: created once on its canvas, given new data and options on each render
 * without animation (live figures change every few seconds; animating each change only blurs them).
 * @param {{ config: import('chart.js').ChartConfiguration, label: string }} props
 */
export function ChartView({ config, label }) {
  const canvas = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = new Chart(canvas.current, { ...config, options: { animation: false, ...config.options } });
    return () => chart.current.destroy();
  }, [config.type]);
  useEffect(() => {
    if (!chart.current) return;
    chart.current.data = config.data;
    chart.current.options = { animation: false, ...config.options };
    chart.current.update('none');
  }, [config]);
  return html`<div class="chart"><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}

const minutes = (ms) => Math.round((ms / 60_000) * 10) / 10;

/**
 * Downtime Pareto: causes by lost minutes, largest first, bars on the left axis and the cumulative share (%) on the
 * right, the chart quality engineers read to pick the few causes behind most of the loss. `byReason` is the shift's
 * `oee.downtimeByReason` (ms per reason code); without it, the shift's `stateMs` per state other than running and unknown (not observed).
 */
export function paretoConfig(summary) {
  const byReason = summary?.oee?.downtimeByReason;
  const entries = byReason
    ? Object.entries(byReason).map(([reason, t]) => [reason, t.ms])
    : Object.entries(summary?.stateMs ?? {}).filter(([state]) => state !== 'running' && state !== 'unknown');
  const sorted = entries.filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
  const total = sorted.reduce((a, [, ms]) => a + ms, 0);
  let running = 0;
  const cumulative = sorted.map(([, ms]) => Math.round(((running += ms) / total) * 100));
  return {
    type: 'bar',
    data: {
      labels: sorted.map(([r]) => r),
      datasets: [
        { type: 'bar', label: 'minutes', data: sorted.map(([, ms]) => minutes(ms)), backgroundColor: '#c0392b', yAxisID: 'y' },
        { type: 'line', label: 'cumulative %', data: cumulative, borderColor: '#2c3e50', yAxisID: 'y2' },
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'min' } }, y2: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false } } } },
  };
}

/** OEE trend over the line's last shifts and the current one (`label` each): OEE, availability and quality in %. */
export function oeeTrendConfig(samples) {
  const pct = (v) => (v == null ? null : Math.round(v * 1000) / 10);
  return {
    type: 'line',
    data: {
      labels: samples.map((s) => s.label),
      datasets: [
        { label: 'OEE', data: samples.map((s) => pct(s.oee)), borderColor: '#2980b9', backgroundColor: '#2980b9', pointRadius: 5 },
        { label: 'availability', data: samples.map((s) => pct(s.availability)), borderColor: '#27ae60', backgroundColor: '#27ae60', pointRadius: 5 },
        { label: 'quality', data: samples.map((s) => pct(s.quality)), borderColor: '#8e44ad', backgroundColor: '#8e44ad', pointRadius: 5 },
      ],
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } },
  };
}

/** Each line's active order: good and scrap stacked against its planned quantity. */
export function countsAgainstPlanConfig(lines) {
  const withOrder = lines.filter((l) => l.order);
  return {
    type: 'bar',
    data: {
      labels: withOrder.map((l) => `${l.line} · ${l.order.erpOrderId}`),
      datasets: [
        { label: 'good', data: withOrder.map((l) => l.order.good), backgroundColor: '#27ae60', stack: 'done' },
        { label: 'scrap', data: withOrder.map((l) => l.order.scrap), backgroundColor: '#c0392b', stack: 'done' },
        { label: 'plan', data: withOrder.map((l) => Number(l.order.plannedQuantity)), backgroundColor: '#bdc3c7', stack: 'plan' },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true } } },
  };
}

/** One order's good count over time (the samples the page saw) against its plan. */
export function orderProgressConfig(samples, planned) {
  return {
    type: 'line',
    data: {
      labels: samples.map((s) => new Date(s.t).toLocaleTimeString()),
      datasets: [
        { label: 'good', data: samples.map((s) => s.good), borderColor: '#27ae60', stepped: true },
        { label: 'plan', data: samples.map(() => planned), borderColor: '#7f8c8d', borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
  };
}
