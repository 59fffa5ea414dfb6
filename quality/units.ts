import Qty from 'js-quantities';

/**
 * Unit codes as plant files and PLCs write them, to js-quantities' names: UN/ECE Recommendation 20 codes (the ones SAP's
 * ISO units use: CEL, FAH, KEL, BAR, ...) and the symbols an edge tag's `unit` commonly carries (°C, degF, K).
 * Temperatures are absolute (js-quantities' `tempC`), not differences (`degC`).
 */
const ALIASES: Record<string, string> = {
  CEL: 'tempC', '°C': 'tempC', degC: 'tempC', C: 'tempC',
  FAH: 'tempF', '°F': 'tempF', degF: 'tempF', F: 'tempF',
  KEL: 'tempK', K: 'tempK',
  BAR: 'bar', MBR: 'mbar', PAL: 'Pa', KPA: 'kPa', MPA: 'MPa', PSI: 'psi',
  MMT: 'mm', CMT: 'cm', MTR: 'm', INH: 'in', MIK: 'um',
  GRM: 'g', KGM: 'kg', MGM: 'mg', NEW: 'N', KN: 'kN', B47: 'kN', NU: 'N*m',
  SEC: 's', MIN: 'min', HUR: 'h', RPM: 'rpm', LTR: 'l', MLT: 'ml',
};

const name = (unit: string): string => ALIASES[unit] ?? ALIASES[unit.toUpperCase()] ?? unit;

/** Converters already built, by `from>to`; js-quantities parses its unit names on every call otherwise. */
const converters = new Map<string, ((v: number) => number) | null>();

function converter(from: string, to: string): ((v: number) => number) | null {
  const key = `${from}>${to}`;
  if (!converters.has(key)) {
    let c: ((v: number) => number) | null;
    try {
      c = Qty.swiftConverter(name(from), name(to)) as (v: number) => number;
    } catch {
      c = null; // an unknown unit, or units of two quantities (bar and °C)
    }
    converters.set(key, c);
  }
  return converters.get(key)!;
}

/**
 * A value measured in `unit` as a value in `specUnit`, the unit of the characteristic it is judged against: the same
 * value when the units are one (same code, or an alias of it: CEL, °C, degC) or the tag says no unit (`''`, the edge
 * configuration's default: the plant declared the characteristic's unit for it); converted by js-quantities between
 * units of one quantity (FAH to CEL, PSI to BAR), rounded to 12 significant digits so a limit converted exactly stays
 * on its limit (365 °F is 185 °C, not 185.00000000000003); null when they cannot be converted (an unknown unit, or two
 * quantities): the value must not be judged.
 */
export function inSpecUnit(value: number, unit: string, specUnit: string): number | null {
  if (unit === '' || unit === specUnit || name(unit) === name(specUnit)) return value;
  const convert = converter(unit, specUnit);
  return convert ? Number(convert(value).toPrecision(12)) : null;
}
