import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signing for the generic REST ERP: `x-mes-timestamp` (Unix ms) and `x-mes-signature: v1=<hex>` where hex is
 * HMAC-SHA256 over `<timestamp>.<METHOD>.<path with query>.<body>` with the shared secret. The timestamp in the
 * signed text lets the receiver refuse a replayed request older than its window (five minutes by default).
 */
export const SIGNATURE_HEADER = 'x-mes-signature';
export const TIMESTAMP_HEADER = 'x-mes-timestamp';

export function signRequest(secret: string, method: string, pathWithQuery: string, body: string, timestamp = Date.now()): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${method.toUpperCase()}.${pathWithQuery}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: `v1=${mac}` };
}

/** The receiver's side: true when the signature matches and the timestamp is inside the window. */
export function verifyRequest(
  secret: string,
  req: { method: string; pathWithQuery: string; body: string; timestamp: string | undefined; signature: string | undefined },
  windowMs = 5 * 60_000,
  now = Date.now(),
): boolean {
  const ts = Number(req.timestamp);
  if (!req.signature || !Number.isFinite(ts) || Math.abs(now - ts) > windowMs) return false;
  const expected = Buffer.from(signRequest(secret, req.method, req.pathWithQuery, req.body, ts)[SIGNATURE_HEADER]!);
  const given = Buffer.from(req.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
