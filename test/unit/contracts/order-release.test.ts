import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrderReleased } from '../../../contracts/messages/order-release.js';
import { InvalidInput, parseJson, parseOrThrow } from '../../../contracts/parse.js';

const dir = path.join(import.meta.dirname, '../../fixtures/messages/order-release');
const files = (kind: string) => readdirSync(path.join(dir, kind)).map((f) => [f, JSON.parse(readFileSync(path.join(dir, kind, f), 'utf8'))] as const);

describe('OrderReleased', () => {
  it.each(files('valid'))('accepts %s', (_name, message) => {
    const r = parseOrThrow(OrderReleased, message, 'test');
    expect(r.operation).toMatch(/^\d{4}$/);
    expect(r).not.toHaveProperty('extraFieldFromNewerErp');
  });

  it.each(files('invalid'))('rejects %s naming the field', (_name, { expect: expected, message }) => {
    let error: unknown;
    try {
      parseOrThrow(OrderReleased, message, 'erp.plant1.order.released');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInput);
    for (const fragment of expected as string[]) expect((error as InvalidInput).message).toContain(fragment);
    expect((error as InvalidInput).message.startsWith('erp.plant1.order.released: ')).toBe(true);
  });

  it('reports bad JSON as invalid input, not a crash', () => {
    expect(() => parseJson('{"v":1,', 'erp.plant1.order.released')).toThrow(/erp.plant1.order.released: \(root\): not valid JSON/);
  });
});
