import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench -- <name>`: runs bench/<name>.ts against the embedded stack. Progress goes to stderr; the last line
 * on stdout is one JSON object of figures, so scripts and notes can quote it.
 */
const name = process.argv[2];
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name>   (one of: ${available.join(', ')})\n`);
  process.exit(2);
}
const mod = (await import(path.join(import.meta.dirname, `${name}.ts`))) as { run(): Promise<Record<string, unknown>> };
const figures = await mod.run();
process.stdout.write(`${JSON.stringify({ bench: name, ...figures })}\n`);
process.exit(0);
