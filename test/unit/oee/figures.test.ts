import { describe, expect, it } from 'vitest';
import { machineSums, type MachineCounts, type OeeSums } from '../../../oee/figures.js';
import { idealCycleMs } from '../../../oee/ideal-cycle.js';
import { addSums, oeeRatios } from '../../../oee/ratios.js';
import { downtimeMaster } from '../../helpers/downtime-master.js';
import { BREAK_A, classifiedScenario, SHIFT_A, timelines } from '../../helpers/oee-scenario.js';

// Shift A of test/helpers/oee-scenario.ts, computed by hand (ms):
// press-1: 8 h = 28,800,000; break 1,800,000; planned cleaning 1,800,000 -> planned production 25,200,000.
//   Availability losses: die-jam 1,200,000 + open fault 1,800,000 (breakdowns 3,000,000), no-material 600,000
//   (idle, the part outside the break); the 90 s micro-stop stays in run time -> run 21,600,000, A = 6/7.
//   BRACKET-A at 1.5 s/piece (the site's time for press-1): 12,000 good (400 held), 200 scrap (50 at startup).
//   P = 1,500 x 12,200 / 21,600,000 = 61/72; Q = 11,600 / 12,200 = 58/61; OEE = 6/7 x 61/72 x 58/61 = 29/42.
// press-2: unobserved 06:00-06:30 (1,800,000), fault 600,000 -> planned 27,000,000, run 24,600,000, A = 41/45;
//   10,000 good at the machine's 2 s/piece -> P = 20,000,000 / 24,600,000 = 100/123, Q = 1, OEE = 20/27.
const counts: Record<string, MachineCounts[]> = {
  'press-1': [{ machine: 'press-1', material: 'BRACKET-A', good: 12_000, scrap: 200, held: 400, startupScrap: 50 }],
  'press-2': [{ machine: 'press-2', material: 'BRACKET-A', good: 10_000, scrap: 0 }],
};
const ideal = idealCycleMs(downtimeMaster(), { 'press-1': 2, 'press-2': 2 });
const { stops } = classifiedScenario();
const sumsOf = (machine: string): OeeSums =>
  machineSums({ machine, ...SHIFT_A, plannedDowntime: [BREAK_A], timeline: timelines[machine], stops: stops.filter((s) => s.machine === machine), counts: counts[machine]!, idealCycleMs: ideal });
const lossTotal = (s: OeeSums) => s.valuableMs! + Object.values(s.losses).reduce<number>((a, b) => a + b!, 0);

describe('OEE of the scripted shift', () => {
  it('press-1: A, P, Q and OEE equal the hand-computed fractions, and the six big losses their script', () => {
    const s = sumsOf('press-1');
    expect(s).toMatchObject({ plannedProductionMs: 25_200_000, runMs: 21_600_000, idealMs: 18_300_000, valuableMs: 17_400_000 });
    expect(oeeRatios(s)).toEqual({ availability: 6 / 7, performance: 61 / 72, quality: 58 / 61, oee: 29 / 42 });
    expect(s.losses).toEqual({
      breakdowns: 3_000_000,
      setupAdjustments: 0,
      smallStops: 90_000,
      reducedSpeed: 21_600_000 - 90_000 - 18_300_000,
      startupRejects: 1_500 * 50,
      productionRejects: 1_500 * 150,
      idle: 600_000,
      unobserved: 0,
      heldForQuality: 1_500 * 400,
    });
    expect(lossTotal(s)).toBe(s.plannedProductionMs);
  });

  it('press-2: unobserved time is an availability loss; its ideal cycle time is the machine\'s', () => {
    const s = sumsOf('press-2');
    expect(s).toMatchObject({ plannedProductionMs: 27_000_000, runMs: 24_600_000, idealMs: 20_000_000 });
    expect(oeeRatios(s)).toEqual({ availability: 41 / 45, performance: 100 / 123, quality: 1, oee: 20 / 27 });
    expect(s.losses).toMatchObject({ breakdowns: 600_000, smallStops: 60_000, unobserved: 1_800_000, reducedSpeed: 4_540_000 });
    expect(lossTotal(s)).toBe(s.plannedProductionMs);
  });

  it('line: the machines\' sums added, the ratios taken once', () => {
    const line = addSums([sumsOf('press-1'), sumsOf('press-2')])!;
    expect(line).toMatchObject({ plannedProductionMs: 52_200_000, runMs: 46_200_000, good: 22_000, scrap: 200, held: 400, idealMs: 38_300_000 });
    expect(oeeRatios(line)).toEqual({ availability: 46_200_000 / 52_200_000, performance: 38_300_000 / 46_200_000, quality: 21_600 / 22_200, oee: (38_300_000 * 21_600) / (52_200_000 * 22_200) });
    expect(lossTotal(line)).toBe(line.plannedProductionMs);
  });

  it('leaves performance and OEE unknown without an ideal cycle time, and every factor without its denominator', () => {
    const none = machineSums({ machine: 'press-2', ...SHIFT_A, plannedDowntime: [], timeline: undefined, stops: [], counts: counts['press-2']!, idealCycleMs: () => undefined });
    expect(oeeRatios(none)).toEqual({ availability: 0, performance: null, quality: 1, oee: null });
    expect(none.losses).toMatchObject({ unobserved: 28_800_000, reducedSpeed: null });
    expect(oeeRatios({ ...none, plannedProductionMs: 0, good: 0 })).toMatchObject({ availability: null, quality: null });
  });
});
