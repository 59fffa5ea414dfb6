import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countingPointsOf } from '../../../contracts/messages/plant-model.js';
import { loadPlantModel } from '../../../seed/plant-file.js';
import { COUNTING_POINTS, LINE_CODES, SITE, SITE_TIME_ZONE, soakRelease, writeSoakPlant } from '../../../soak/plant.js';
import { soakShiftCalendar } from '../../../soak/shift-calendar.js';

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

  it('carries the soak\'s calendar for its site when given one, and the engine loads it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'soak-plant-'));
    try {
      const file = path.join(dir, 'plant.yaml');
      const calendar = soakShiftCalendar({ site: SITE, timeZone: SITE_TIME_ZONE, fromMs: Date.parse('2026-11-30T22:57:10Z'), coverMs: 35 * 60_000, shiftMinutes: 4 });
      await writeSoakPlant(file, 'opc.tcp://127.0.0.1:4841', calendar);
      const plant = await loadPlantModel(file);
      expect(plant.shiftCalendars?.map((c) => [c.site, c.versions[0]!.shifts.length])).toEqual([[SITE, 9]]);
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
