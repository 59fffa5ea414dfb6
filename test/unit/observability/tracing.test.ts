import { describe, expect, it } from 'vitest';
import { startTracing, tracesUrl } from '../../../observability/tracing.js';

describe('where traces go (OTel exporter specification: signal path appended to the base endpoint)', () => {
  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT, with or without its trailing slash', () => {
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
  });

  it('takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, over the base endpoint', () => {
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' })).toBe('http://b:4318/custom');
  });

  it('is off without an endpoint, and with OTEL_SDK_DISABLED=true', () => {
    expect(tracesUrl({})).toBeUndefined();
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(startTracing('test', {})).toBeUndefined();
  });
});
