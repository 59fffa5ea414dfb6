import { readFile } from 'node:fs/promises';

/**
 * `npm run mes -- <command>`: a thin terminal client of the planner API (MES_API_URL, MES_API_TOKEN). It only
 * calls the API; every rule and check lives there.
 */
const base = process.env.MES_API_URL ?? 'http://127.0.0.1:8080';
const token = process.env.MES_API_TOKEN;
const [cmd, ...args] = process.argv.slice(2);

const usage = `usage: npm run mes -- <command>
  orders [site] [line]              list orders
  order <site> <erpOrderId>         status, counts and ERP postings
  release <file.json>               release an order from a JSON file
  complete <site> <erpOrderId>      complete an order now
  retry-posting <site> <erpOrderId> post again after an ERP rejection was fixed
  line <site> <line>                active order and current shift
  unassigned <site> [line]          production no order took
  assign <site> <erpOrderId> <eventId>...   give unassigned production to an order
environment: MES_API_URL (${base}), MES_API_TOKEN (required)`;

async function call(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  process.stdout.write(`${text}\n`);
  if (!res.ok) process.exitCode = 1;
}

const qs = (o: Record<string, string | undefined>) => new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined)).toString();

const commands: Record<string, () => Promise<void>> = {
  orders: () => call('GET', `/orders?${qs({ site: args[0], line: args[1] })}`),
  order: () => call('GET', `/orders/${args[0]}/${args[1]}`),
  release: async () => call('POST', '/orders', JSON.parse(await readFile(args[0]!, 'utf8'))),
  complete: () => call('POST', `/orders/${args[0]}/${args[1]}/complete`, { reason: 'planner' }),
  'retry-posting': () => call('POST', `/orders/${args[0]}/${args[1]}/retry-posting`, {}),
  line: () => call('GET', `/lines/${args[0]}/${args[1]}`),
  unassigned: () => call('GET', `/unassigned?${qs({ site: args[0], line: args[1] })}`),
  assign: () => call('POST', '/unassigned/assign', { site: args[0], erpOrderId: args[1], eventIds: args.slice(2) }),
};

const run = cmd ? commands[cmd] : undefined;
if (!run || !token) {
  process.stderr.write(`${!token && run ? 'MES_API_TOKEN is not set\n' : ''}${usage}\n`);
  process.exit(2);
}
await run().catch((err: Error) => {
  process.stderr.write(`mes ${cmd}: ${err.message} (is the API at ${base}?)\n`);
  process.exitCode = 1;
});
