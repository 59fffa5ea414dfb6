import { DataType, Variant, VariantArrayType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { plainValue } from '../../../../edge/opcua/subscription.js';

const v = (dataType: DataType, value: unknown) => new Variant({ dataType, arrayType: VariantArrayType.Scalar, value });

describe('plainValue: OPC UA values as plain numbers', () => {
  it('turns UInt64 [high, low] words into a number', () => {
    expect(plainValue(v(DataType.UInt64, [0, 7]))).toBe(7);
    expect(plainValue(v(DataType.UInt64, [0x100, 7]))).toBe(2 ** 40 + 7);
    expect(plainValue(v(DataType.UInt64, [0x1f_ffff, 0xffff_ffff]))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('turns a negative Int64 (two\'s complement words) into an exact negative number', () => {
    expect(plainValue(v(DataType.Int64, [0xffff_ffff, 0xffff_ffff]))).toBe(-1);
    expect(plainValue(v(DataType.Int64, [0xffff_ffff, 0xffff_fff6]))).toBe(-10);
    expect(plainValue(v(DataType.Int64, [0xfff0_0000, 0]))).toBe(-(2 ** 52));
    expect(plainValue(v(DataType.Int64, [0, 5]))).toBe(5);
  });

  it('leaves floats and other values as they are', () => {
    expect(plainValue(v(DataType.Float, 12.5))).toBe(12.5);
    expect(plainValue(v(DataType.Int16, -32_768))).toBe(-32_768);
    expect(plainValue(v(DataType.String, 'RUN'))).toBe('RUN');
    expect(plainValue(undefined)).toBeUndefined();
  });
});
