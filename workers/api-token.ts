import { issueToken, Role } from '../api/auth.js';
import { parseOrThrow } from '../contracts/parse.js';
import { createDb } from '../db/client.js';
import { readEnv } from './wiring/config.js';

/** `npm run api:token -- <name> <role>`: issues (or replaces) a named API token and prints it once. */
const [name, role] = process.argv.slice(2);
if (!name || !role) {
  process.stderr.write(`usage: npm run api:token -- <name> <${Role.options.join('|')}>\n`);
  process.exit(2);
}
const db = createDb(readEnv(process.env).DATABASE_URL);
try {
  const token = await issueToken(db, name, parseOrThrow(Role, role, 'role'));
  process.stdout.write(`${token}\n`);
} catch (err) {
  process.stderr.write(`api:token failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.$client.end();
}
