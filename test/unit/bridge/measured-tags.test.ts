import { describe, expect, it } from 'vitest';
import { measuredTagsOf, measures } from '../../../bridge/measured-tags.js';
import { InspectionCharacteristic } from '../../../contracts/messages/inspection.js';

const spec = { unit: 'CEL', target: 180, lowerLimit: 175, upperLimit: 185, reaction: 'hold-continue' };
const characteristics = [
  { code: 'cure-temp', description: 'Cure', line: 'line-2', material: 'BRACKET-A', operation: '0010', machine: 'robot-1', tag: 'temperature', ...spec },
  { code: 'cure-temp-20', description: 'Cure', line: 'line-2', material: 'BRACKET-A', operation: '0020', machine: 'robot-1', tag: 'temperature', ...spec },
  { code: 'force', description: 'Force', line: 'line-2', material: 'BRACKET-B', operation: '0010', machine: 'robot-1', tag: 'force', ...spec },
  // Another machine of the line, the same tag name on another line, and a lab characteristic: none is robot-1's on line-2.
  { code: 'oven', description: 'Oven', line: 'line-2', material: 'BRACKET-A', operation: '0010', machine: 'oven-1', tag: 'humidity', ...spec },
  { code: 'press-temp', description: 'Press', line: 'line-1', material: 'BRACKET-A', operation: '0010', machine: 'robot-1', tag: 'humidity', ...spec },
  { code: 'hardness', description: 'Hardness', line: 'line-2', material: 'BRACKET-A', operation: '0010', source: 'lab', ...spec },
].map((c) => InspectionCharacteristic.parse(c));

describe('measuredTagsOf', () => {
  it('keeps the tag characteristics of that machine on that line, with their material and operation', () => {
    expect(measuredTagsOf(characteristics, 'line-2', 'robot-1')).toEqual([
      { tag: 'temperature', material: 'BRACKET-A', operation: '0010' },
      { tag: 'temperature', material: 'BRACKET-A', operation: '0020' },
      { tag: 'force', material: 'BRACKET-B', operation: '0010' },
    ]);
    expect(measuredTagsOf(characteristics, 'line-1', 'robot-1')).toEqual([{ tag: 'humidity', material: 'BRACKET-A', operation: '0010' }]);
    expect(measuredTagsOf(characteristics, 'line-2', 'press-1')).toEqual([]);
    expect(measuredTagsOf([], 'line-2', 'robot-1')).toEqual([]);
  });
});

describe('measures', () => {
  const tags = measuredTagsOf(characteristics, 'line-2', 'robot-1');
  it('matches tag, material and operation together', () => {
    expect(measures(tags, 'temperature', { material: 'BRACKET-A', operation: '0010' })).toBe(true);
    expect(measures(tags, 'temperature', { material: 'BRACKET-A', operation: '0020' })).toBe(true);
    expect(measures(tags, 'force', { material: 'BRACKET-B', operation: '0010' })).toBe(true);
    // Each part alone is not enough.
    expect(measures(tags, 'force', { material: 'BRACKET-A', operation: '0010' })).toBe(false);
    expect(measures(tags, 'temperature', { material: 'BRACKET-A', operation: '0030' })).toBe(false);
    expect(measures(tags, 'humidity', { material: 'BRACKET-A', operation: '0010' })).toBe(false);
    expect(measures(tags, 'Temperature', { material: 'BRACKET-A', operation: '0010' })).toBe(false);
    expect(measures([], 'temperature', { material: 'BRACKET-A', operation: '0010' })).toBe(false);
  });
});
