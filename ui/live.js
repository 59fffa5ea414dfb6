/**
 * Live updates from the API (`GET /supervisor/events`, server-sent events, contracts/messages/supervisor-live.ts).
 * EventSource cannot send an Authorization header: the page first asks for a single-use ticket (30 s) with its token
 * and opens the stream with the ticket in the URL. A used ticket cannot reopen a dropped stream, so on an error the
 * page closes the EventSource and connects again with a new ticket, after `retryMs`.
 * @param api the page's API client (ui/api.js)
 * @param {(event: object) => void} onEvent a parsed `LiveEvent`
 * @param {(state: 'connecting' | 'live' | 'reconnecting') => void} onState
 * @returns {() => void} closes the stream for good
 */
export function openLive(api, onEvent, onState, retryMs = 3000) {
  let source = null;
  let timer = null;
  let closed = false;
  const retry = () => {
    onState('reconnecting');
    if (!closed) timer = setTimeout(connect, retryMs);
  };
  async function connect() {
    if (closed) return;
    onState('connecting');
    let ticket;
    try {
      ({ ticket } = await api.post('/supervisor/tickets', {}));
    } catch {
      retry();
      return;
    }
    if (closed) return;
    source = new EventSource(`/supervisor/events?ticket=${encodeURIComponent(ticket)}`);
    source.onopen = () => onState('live');
    for (const type of ['wip', 'exception']) source.addEventListener(type, (m) => onEvent(JSON.parse(m.data)));
    source.onerror = () => {
      source.close();
      retry();
    };
  }
  void connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
  };
}
