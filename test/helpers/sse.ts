/** A server-sent event stream read as text, for tests: what arrived so far, and a way to stop reading. */
export interface SseWatch {
  status: number;
  /** Every byte received so far, decoded. */
  text(): string;
  /** The `data:` objects of the events of `type` received so far. */
  events<T = unknown>(type: string): T[];
  close(): void;
}

/**
 * Opens `url` as an event stream with fetch (no EventSource in Node) and collects what arrives until `close`.
 * A non-200 answer is returned with its status and nothing read.
 */
export async function watchSse(url: string): Promise<SseWatch> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
  let text = '';
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text += decoder.decode(value, { stream: true });
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    status: res.status,
    text: () => text,
    events: <T>(type: string) =>
      text.split('\n\n').flatMap((block) => {
        const lines = block.split('\n');
        if (!lines.includes(`event: ${type}`)) return [];
        const data = lines.find((l) => l.startsWith('data: '));
        return data ? [JSON.parse(data.slice(6)) as T] : [];
      }),
    close: () => abort.abort(),
  };
}
