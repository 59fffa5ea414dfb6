import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ExceptionRoutingConfig } from '../../contracts/messages/exception-routing.js';
import { InvalidInput, parseOrThrow } from '../../contracts/parse.js';

/**
 * Reads the routing file (YAML or JSON, contracts/messages/exception-routing.ts).
 * @throws InvalidInput naming the file and each bad field (a rule naming an undefined group, e-mail without smtp).
 */
export async function loadRoutingFile(file: string): Promise<ExceptionRoutingConfig> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InvalidInput(file, [{ path: '(root)', message: `not valid YAML (${(err as Error).message})` }]);
  }
  return parseOrThrow(ExceptionRoutingConfig, raw, file);
}

/** The routing file at `file`, or, without one, no rules (records are kept, nobody is told) and the default limits. */
export const routingOrNone = (file: string | undefined): Promise<ExceptionRoutingConfig> =>
  file ? loadRoutingFile(file) : Promise.resolve(ExceptionRoutingConfig.parse({ groups: {}, rules: [] }));
