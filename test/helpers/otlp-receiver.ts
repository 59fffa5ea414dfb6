import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** An OTLP/JSON attribute value (opentelemetry-proto `AnyValue`, JSON mapping): the kinds our spans set. */
const AnyValue = z.object({
  stringValue: z.string().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
  boolValue: z.boolean().optional(),
  doubleValue: z.number().optional(),
});
const KeyValue = z.object({ key: z.string(), value: AnyValue });
const Span = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/, 'traceId: 32 lowercase hex digits'),
  spanId: z.string().regex(/^[0-9a-f]{16}$/, 'spanId: 16 lowercase hex digits'),
  parentSpanId: z.string().optional(),
  name: z.string(),
  attributes: z.array(KeyValue).default([]),
});
/** `ExportTraceServiceRequest` (opentelemetry-proto collector/trace/v1) in its JSON encoding, as OTLP/HTTP JSON posts it. */
const ExportTraceServiceRequest = z.object({
  resourceSpans: z.array(z.object({
    resource: z.object({ attributes: z.array(KeyValue).default([]) }).optional(),
    scopeSpans: z.array(z.object({ spans: z.array(Span).default([]) })).default([]),
  })).default([]),
});

/** One received span, flattened: its ids, name, `service.name` and attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span (OTLP/JSON sends an empty string or nothing). */
  parentSpanId?: string;
  name: string;
  service: string;
  attributes: Record<string, string | number | boolean>;
}

const plain = (kv: z.infer<typeof KeyValue>[]) =>
  Object.fromEntries(kv.map(({ key, value: v }) => [key, v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue ?? ''])) as Record<string, string | number | boolean>;

/**
 * A tiny OTLP/HTTP receiver on loopback for tests: takes `POST /v1/traces` in the JSON encoding (what
 * @opentelemetry/exporter-trace-otlp-http sends), keeps the spans, answers 200; a body that is not a valid request
 * answers 400 naming the field, and the test sees it in `errors`.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const errors: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      const parsed = ExportTraceServiceRequest.safeParse((() => {
        try {
          return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        } catch {
          return undefined;
        }
      })());
      if (!parsed.success) {
        const reason = `content-type ${req.headers['content-type']}: ${z.prettifyError(parsed.error)}`;
        errors.push(reason);
        return void res.writeHead(400, { 'content-type': 'text/plain' }).end(reason);
      }
      for (const rs of parsed.data.resourceSpans) {
        const service = String(plain(rs.resource?.attributes ?? [])['service.name'] ?? '');
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, service, attributes: plain(s.attributes) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
    url: `http://127.0.0.1:${port}`,
    spans,
    errors,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type OtlpReceiver = Awaited<ReturnType<typeof startOtlpReceiver>>;
