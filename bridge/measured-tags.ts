import type { InspectionCharacteristic } from '../contracts/messages/inspection.js';

/**
 * An analog tag of one machine that measures an inspection characteristic (`source: 'tag'`) of a material's operation
 * on the machine's line: the master data (plant file `quality`, `sites.quality`) the bridge routes analog values by.
 */
export interface MeasuredTag {
  tag: string;
  material: string;
  operation: string;
}

/**
 * The tags of `machine` on `line` that measure a characteristic, from the site's characteristics (lab ones measure
 * nothing of a machine). Called once per machine and load of the bridge's line context (bridge/context.ts).
 */
export function measuredTagsOf(characteristics: readonly InspectionCharacteristic[], line: string, machine: string): MeasuredTag[] {
  return characteristics.flatMap((c) =>
    c.source === 'tag' && c.line === line && c.machine === machine && c.tag !== undefined ? [{ tag: c.tag, material: c.material, operation: c.operation }] : []);
}

/**
 * Whether a value of `tag` measures a characteristic of the order's material and operation, given the tags its
 * machine measures (`measuredTagsOf`): only then does the bridge send it to the order. The workflow keeps its own
 * check (the characteristics it loaded at its start), so a value that passes here may still be ignored there.
 */
export function measures(tags: readonly MeasuredTag[], tag: string, order: { material: string; operation: string }): boolean {
  return tags.some((t) => t.tag === tag && t.material === order.material && t.operation === order.operation);
}
