import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countingPointsOf } from '../../../contracts/messages/plant-model.js';
import { loadPlantModel } from '../../../seed/plant-file.js';
import { COUNTING_POINTS, LINE_CODES, soakRelease, writeSoakPlant } from '../../../soak/plant.js';

describe('soak plant', () => {
  it('is a plant file the engine loads, with the counting points the checks expect', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'soak-plant-'));
    try {
      const file = path.join(dir, 'plant.yaml');
      await writeSoakPlant(file, 'opc.tcp://127.0.0.1:4841');
      const plant = await loadPlantModel(file);
      expect(plant.sites[0]!.lines.map((l) => l.code)).toEqual(LINE_CODES);
      expect(plant.sites[0]!.lines.flatMap((l) => countingPointsOf(l))).toEqual(COUNTING_POINTS);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('draws the same order book for the same seed', () => {
    const a = soakRelease(5, 4_000_000, 'line-b', 3);
    const b = soakRelease(5, 4_000_000, 'line-b', 3);
    expect({ ...b, releasedAt: a.releasedAt }).toEqual(a);
    expect(a.erpOrderId).toBe('4010003');
  });
});
