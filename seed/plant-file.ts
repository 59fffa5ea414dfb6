import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { PlantModel } from '../contracts/messages/plant-model.js';
import { InvalidInput, parseOrThrow } from '../contracts/parse.js';

/**
 * Reads and validates a plant model file (YAML or JSON). Kept apart from the database seed so the edge gateway and the
 * OPC UA simulator read the plant without loading drizzle or a database client.
 * @throws InvalidInput naming the file and the path of each bad field (or "not valid YAML").
 */
export async function loadPlantModel(file: string): Promise<PlantModel> {
  const text = await readFile(file, 'utf8');
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new InvalidInput(file, [{ path: '(root)', message: `not valid YAML (${(err as Error).message})` }]);
  }
  return parseOrThrow(PlantModel, raw, file);
}
