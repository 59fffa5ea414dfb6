import { describe, expect, it } from 'vitest';
import { InspectionCharacteristic } from '../../../contracts/messages/inspection.js';
import { checkPlantQuality } from '../../../contracts/messages/inspection-plant-check.js';
import { describeIssues } from '../../../contracts/parse.js';

const input = (over: Record<string, unknown> = {}) => ({
  code: 'cure-temp', description: 'Cure temperature', line: 'line-2', material: 'BRACKET-A', operation: '0010', machine: 'robot-1',
  tag: 'temperature', unit: 'CEL', target: 180, lowerLimit: 175, upperLimit: 185, reaction: 'hold-continue', ...over,
});
const issues = (over: Record<string, unknown>) => {
  const r = InspectionCharacteristic.safeParse(input(over));
  return r.success ? [] : describeIssues(r.error);
};

describe('InspectionCharacteristic', () => {
  it('defaults to a tag, the lot since the last good value', () => {
    expect(InspectionCharacteristic.parse(input())).toMatchObject({ source: 'tag', lot: 'since-last-good' });
  });
  it('names the field and the reason of a bad characteristic', () => {
    expect(issues({ upperLimit: 170 })).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'upperLimit', message: expect.stringMatching(/above lowerLimit 175/) })]));
    expect(issues({ target: 190 })).toEqual([expect.objectContaining({ path: 'target', message: expect.stringMatching(/within 175..185/) })]);
    expect(issues({ tag: undefined })).toEqual([expect.objectContaining({ path: 'tag', message: expect.stringMatching(/names its machine and tag/) })]);
    expect(issues({ reaction: 'stop' })[0]!.path).toBe('reaction');
    expect(issues({ controlRules: { mean: 180 } })[0]!.message).toMatch(/both mean and sigma/);
  });
});

describe('checkPlantQuality', () => {
  const plant = (characteristics: unknown[]) => ({
    sites: [{ code: 'plant1', lines: [{ code: 'line-2', machines: [{ code: 'robot-1' }] }] }],
    materials: [{ code: 'BRACKET-A' }],
    quality: [{ site: 'plant1', characteristics: characteristics.map((c) => InspectionCharacteristic.parse(c)) }],
  });
  const found = (p: ReturnType<typeof plant>) => {
    const out: string[] = [];
    checkPlantQuality(p, (path, message) => out.push(`${path.join('.')}: ${message}`));
    return out;
  };
  it('accepts known names and refuses unknown lines, machines, materials and repeats', () => {
    expect(found(plant([input()]))).toEqual([]);
    expect(found(plant([input({ line: 'line-9' }), input({ code: 'b', machine: 'press-1' }), input({ code: 'c', material: 'NOPE' })]))).toEqual([
      'quality.0.characteristics.0.line: unknown line line-9 in site plant1',
      'quality.0.characteristics.1.machine: unknown machine press-1 on line line-2',
      'quality.0.characteristics.2.material: unknown material NOPE',
    ]);
    expect(found(plant([input(), input()]))).toEqual([
      'quality.0.characteristics.1.code: characteristic cure-temp is defined twice in site plant1',
      'quality.0.characteristics.1.tag: robot-1 temperature already measures a characteristic of BRACKET-A operation 0010',
    ]);
  });
});
