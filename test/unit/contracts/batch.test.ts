import { describe, expect, it } from 'vitest';
import { chunks } from '../../../contracts/batch.js';

describe('chunks', () => {
  it('chunks to signal size', () => {
    expect(chunks(Array.from({ length: 1201 }, (_, i) => i)).map((c) => c.length)).toEqual([500, 500, 201]);
  });
});
