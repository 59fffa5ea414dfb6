import type { z } from 'zod';

/** Raised for any external message that does not match its schema; the message names every bad field. */
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
  constructor(
    readonly source: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(`${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

export const issuePath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
    '',
  ) || '(root)';

export function describeIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: issuePath(i.path), message: i.message }));
}

/** Parse at a process boundary; `source` says where the value came from (file, subject, route). */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new InvalidInput(source, describeIssues(r.error));
  return r.data;
}

/** JSON.parse that reports bad JSON as InvalidInput instead of a bare SyntaxError. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidInput(source, [{ path: '(root)', message: `not valid JSON (${(err as Error).message})` }]);
  }
}
