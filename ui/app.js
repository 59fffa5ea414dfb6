import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { apiClient, query } from './api.js';
import { ChartView, countsAgainstPlanConfig } from './charts.js';
import { acknowledgeException, openExceptions, resolveException } from './exceptions.js';
import { ExceptionsPanel, HoldsPanel } from './holds.js';
import { html } from './html.js';
import { LineCard, ShiftCharts } from './lines.js';
import { addWip, liveOrder } from './live-figures.js';
import { openLive } from './live.js';
import { OrderStory } from './story.js';

/** The token lives in the tab's session storage: gone when the tab closes, never in a URL or cookie. */
const TOKEN_KEY = 'mes-supervisor-token';
const LINES_EVERY_MS = 30_000;
const SHIFTS_EVERY_MS = 60_000;
/** How many local dates before the current shift's the OEE trend reaches back. */
const TREND_DAYS = 2;

/** The local date `n` days before the ISO date `date` (calendar arithmetic, no time zone involved). */
const daysBefore = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
/** A point of the OEE trend from a shift's figures (fractions, null when unknown). */
const trendPoint = (label, f) => ({ label, oee: f.oee ?? null, availability: f.availability ?? null, quality: f.quality ?? null });

function Login({ onToken, error }) {
  const [value, setValue] = useState('');
  const submit = (e) => {
    e.preventDefault();
    if (value.trim()) onToken(value.trim());
  };
  return html`
    <form class="card login" onSubmit=${submit}>
      <h1>MES supervisor</h1>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="off" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} />
      <button type="submit">Sign in</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <p class="muted">A token from <code>npm run api:token -- name role site/line</code>; the page shows the lines it holds.</p>
    </form>`;
}

/** Calls `fn` after `ms` once, however often it is asked in between (a burst of notices is one refresh). */
function useDebounced(fn, ms) {
  const timer = useRef(null);
  const latest = useRef(fn);
  latest.current = fn;
  return () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  };
}

function Supervisor({ token, onSignOut }) {
  const api = useMemo(() => apiClient(token), [token]);
  const [lines, setLines] = useState([]);
  const [shifts, setShifts] = useState({});
  const [counterHolds, setCounterHolds] = useState([]);
  const [qualityHolds, setQualityHolds] = useState([]);
  const [exceptions, setExceptions] = useState([]);
  const [liveState, setLiveState] = useState('connecting');
  const [message, setMessage] = useState(null);
  const [story, setStory] = useState(null);
  const known = useRef(new Map());
  const [, setTick] = useState(0);
  const linesRef = useRef(lines);
  linesRef.current = lines;

  const failed = (err) => (err.status === 401 ? onSignOut('The token was refused: sign in again.') : setMessage(err.message));

  const loadLines = () => api.get('/supervisor/lines').then((r) => setLines(r.lines), failed);
  /** The running shift's live figures (its workflow's status); a shift not started yet (404) has none. */
  const currentShift = async (l) => {
    try {
      return { summary: (await api.get(`/shifts/${l.site}/${l.line}/${l.shift.date}/${l.shift.shiftCode}`)).summary };
    } catch (err) {
      if (err.status === 404) return { summary: null, error: 'The shift has no record yet.' };
      throw err;
    }
  };
  /**
   * Per line: the current shift's figures, and the OEE trend: the stored shifts of the last TREND_DAYS local dates
   * (`GET /shifts/:site/:line?from=&to=`, one read per line) with the current shift's point taken live instead.
   */
  const loadShifts = async (ls = linesRef.current) => {
    const next = {};
    for (const l of ls) {
      const key = `${l.site}/${l.line}`;
      try {
        const to = l.shift?.date ?? new Date().toISOString().slice(0, 10);
        const stored = (await api.get(`/shifts/${l.site}/${l.line}${query({ from: daysBefore(to, TREND_DAYS), to, limit: 50 })}`)).shifts;
        const isCurrent = (s) => l.shift && s.date === l.shift.date && s.shiftCode === l.shift.shiftCode;
        const trend = stored.filter((s) => !isCurrent(s)).map((s) => trendPoint(`${s.date} ${s.shiftCode}`, s.line ?? s));
        const current = l.shift ? await currentShift(l) : { summary: null };
        const c = current.summary;
        if (c) trend.push(trendPoint(`${l.shift.date} ${l.shift.shiftCode} (now)`, { oee: c.oee?.line?.oee, availability: c.oee?.line?.availability ?? c.availability, quality: c.oee?.line?.quality ?? c.quality }));
        next[key] = { summary: c, error: current.error, trend };
      } catch (err) {
        next[key] = { summary: null, error: err.message, trend: [] };
      }
    }
    setShifts(next);
  };
  const loadHolds = async (ls = linesRef.current) => {
    try {
      const held = [];
      for (const l of ls) held.push(...(await api.get(`/production/holds${query({ site: l.site, line: l.line })}`)).holds);
      setCounterHolds(held);
      const quality = [];
      for (const l of ls.filter((x) => x.activeOrder?.qualityHeld || known.current.get(x.activeOrder?.workflowId)?.wip.qualityHeld)) {
        const d = await api.get(`/orders/${l.site}/${l.activeOrder.erpOrderId}`);
        quality.push(...d.status.qualityHolds.filter((q) => q.disposition === null).map((q) => ({ ...q, site: l.site, line: l.line, erpOrderId: l.activeOrder.erpOrderId })));
      }
      setQualityHolds(quality);
      setExceptions(await openExceptions(api, ls));
    } catch (err) {
      failed(err);
    }
  };
  const refreshHolds = useDebounced(() => loadHolds(), 500);
  const refreshLines = useDebounced(() => loadLines(), 500);

  useEffect(() => {
    void loadLines();
    const a = setInterval(loadLines, LINES_EVERY_MS);
    const b = setInterval(() => loadShifts(), SHIFTS_EVERY_MS);
    const c = setInterval(() => loadHolds(), LINES_EVERY_MS);
    const close = openLive(api, (e) => {
      if (e.type === 'wip') {
        const heldBefore = known.current.get(e.wip.workflowId)?.wip.qualityHeld ?? 0;
        if (!addWip(known.current, e.wip)) return;
        setTick((t) => t + 1);
        // An order the page does not list (a new release, a line's next order): the list is out of date.
        if (!linesRef.current.some((l) => l.activeOrder?.workflowId === e.wip.workflowId)) refreshLines();
        // Units held or released for quality: the holds panel changes (WIP names the quantity, not the holds).
        if (e.wip.qualityHeld !== heldBefore) refreshHolds();
      } else refreshHolds();
    }, setLiveState);
    return () => {
      clearInterval(a);
      clearInterval(b);
      clearInterval(c);
      close();
    };
  }, [api]);
  // A new set of lines (first load, a new order) brings its shifts and holds.
  const lineKeys = lines.map((l) => `${l.site}/${l.line}/${l.activeOrder?.workflowId ?? ''}/${l.shift?.shiftCode ?? ''}`).join(',');
  useEffect(() => {
    if (lines.length === 0) return;
    void loadShifts(lines);
    void loadHolds(lines);
  }, [lineKeys]);

  /** Runs a decision (a hold accepted, an exception acknowledged), shows its refusal if any, and reads again. */
  const run = async (call) => {
    try {
      await call();
      setMessage(null);
    } catch (err) {
      failed(err);
    }
    await loadHolds();
    await loadLines();
  };
  const act = (path, body) => run(() => api.post(path, body));
  const view = lines.map((l) => ({ ...l, order: liveOrder(l, known.current) }));
  const storyOrder = story && lines.find((l) => l.activeOrder?.erpOrderId === story.erpOrderId && l.site === story.site)?.activeOrder;
  const storySamples = storyOrder ? known.current.get(storyOrder.workflowId)?.samples ?? [] : [];

  return html`
    <header class="top">
      <h1>Supervisor</h1>
      <span class=${`badge ${liveState === 'live' ? 'ok' : 'alert'}`} data-testid="live-state">${liveState}</span>
      <button class="secondary" onClick=${() => onSignOut(null)}>Sign out</button>
    </header>
    ${message && html`<p class="error" role="alert">${message}</p>`}
    ${lines.length === 0 && html`<p class="muted" data-testid="no-lines">No lines for this token.</p>`}
    <section class="grid" data-testid="lines">
      ${view.map((l) => html`<${LineCard} key=${`${l.site}/${l.line}`} line=${l} order=${l.order}
        samples=${l.order ? known.current.get(l.order.workflowId)?.samples : []} shift=${shifts[`${l.site}/${l.line}`]}
        onStory=${(site, erpOrderId) => setStory({ site, line: l.line, erpOrderId })} />`)}
    </section>
    ${story && html`<${OrderStory} api=${api} site=${story.site} line=${story.line} erpOrderId=${story.erpOrderId} samples=${storySamples}
      onClose=${() => setStory(null)} />`}
    <section class="grid">
      <${HoldsPanel} counterHolds=${counterHolds} qualityHolds=${qualityHolds} act=${act} />
      <${ExceptionsPanel} exceptions=${exceptions} onAck=${(id) => run(() => acknowledgeException(api, id))}
        onResolve=${(id, body) => run(() => resolveException(api, id, body))} />
    </section>
    ${view.some((l) => l.order) && html`
      <section class="card">
        <h2>Counts against plan</h2>
        <${ChartView} label="Counts against plan per line" config=${countsAgainstPlanConfig(view)} />
      </section>`}
    <section class="grid">
      ${view.map((l) => html`<${ShiftCharts} key=${`c-${l.site}/${l.line}`} line=${l} shift=${shifts[`${l.site}/${l.line}`]} />`)}
    </section>`;
}

function App() {
  const [token, setToken] = useState(sessionStorage.getItem(TOKEN_KEY));
  const [error, setError] = useState(null);
  const signIn = (t) => {
    sessionStorage.setItem(TOKEN_KEY, t);
    setError(null);
    setToken(t);
  };
  const signOut = (why) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setError(why);
    setToken(null);
  };
  return token ? html`<${Supervisor} key=${token} token=${token} onSignOut=${signOut} />` : html`<${Login} onToken=${signIn} error=${error} />`;
}

const root = document.getElementById('app');
// Preact 11 renders beside what the container holds: the loading note goes first.
root.replaceChildren();
render(html`<${App} />`, root);
