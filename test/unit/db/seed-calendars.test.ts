import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlantModel } from '../../../contracts/messages/plant-model.js';
import { checkCalendarChange } from '../../../db/seed.js';
import { loadPlantModel } from '../../../seed/plant-file.js';
import { projectRoot } from '../../../stack/paths.js';

const demo = () => loadPlantModel(path.join(projectRoot, 'seed/demo-plant.yaml'));
// Monday 6 April 2026 06:00 CEST (04:00Z): where C of Sunday ends and A begins.
const twelveFromMonday = { validFrom: '2026-04-06T06:00:00+02:00', shifts: [{ code: 'D', start: '06:00', end: '18:00' }, { code: 'N', start: '18:00', end: '06:00' }] };

describe('seeding shift calendars over a site already seeded', () => {
  it('takes the demo calendar over a site that worked to the default (the same shifts)', async () => {
    const plant = await demo();
    expect(() => checkCalendarChange(plant, plant.sites[0]!, { timezone: 'Europe/Berlin', shiftCalendars: null }, Date.parse('2026-11-30T12:00:00Z'))).not.toThrow();
  });

  it('takes a line calendar from a future boundary, refuses it once that shift has closed, naming the plant file path', async () => {
    const base = await demo();
    const plant = PlantModel.parse({ ...base, shiftCalendars: [...base.shiftCalendars!, { site: 'plant1', line: 'line-2', versions: [...base.shiftCalendars![0]!.versions, twelveFromMonday] }] });
    const stored = { timezone: 'Europe/Berlin', shiftCalendars: null };
    expect(() => checkCalendarChange(plant, plant.sites[0]!, stored, Date.parse('2026-04-01T00:00:00Z'))).not.toThrow();
    // At 12:30Z, A of the 6th (04:00Z-12:00Z) has closed.
    expect(() => checkCalendarChange(plant, plant.sites[0]!, stored, Date.parse('2026-04-06T12:30:00Z'))).toThrow(
      /^shift calendars of site plant1: shiftCalendars\[1\]\.versions\[1\]\.validFrom: 2026-04-06T06:00:00\+02:00 lies before the end of shift A of 2026-04-06/,
    );
  });
});
