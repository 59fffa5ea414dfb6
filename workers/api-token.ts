import { issueToken, Role } from '../api/auth.js';
import { placeOfArg, TokenScopes } from '../api/scope.js';
import { parseOrThrow } from '../contracts/parse.js';
import { createDb } from '../db/client.js';
import { readEnv } from './wiring/config.js';

/**
 * `npm run api:token -- <name> <role> [<site>[/<line>,<line>...] ...]`: issues (or replaces) a named API token and
 * prints it once. Places after the role scope it (a supervisor of line-2: `plant1/line-2`); none: plant-wide.
 */
const [name, role, ...places] = process.argv.slice(2);
if (!name || !role) {
  process.stderr.write(`usage: npm run api:token -- <name> <${Role.options.join('|')}> [<site>[/<line>,<line>...] ...]\n`);
  process.exit(2);
}
const db = createDb(readEnv(process.env).DATABASE_URL);
try {
  const scopes = places.length > 0 ? parseOrThrow(TokenScopes, places.map(placeOfArg), 'places') : null;
  const token = await issueToken(db, name, parseOrThrow(Role, role, 'role'), scopes);
  process.stdout.write(`${token}\n`);
} catch (err) {
  process.stderr.write(`api:token failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.$client.end();
}
