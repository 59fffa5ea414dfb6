import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { msToTs } from '@temporalio/common/lib/time.js';
import { allSearchAttributes } from '../../workflows/search-attributes.js';

const isNotFound = (err: unknown) => /not found/i.test((err as Error).message ?? '');

/**
 * Retries `fn` until it resolves: right after start the frontend answers before history has taken its shards, and a
 * new namespace or search attribute reaches every process's cache only after a refresh (about 2 s).
 * @throws the last error after `timeoutMs`, prefixed with `what`.
 */
export async function until<T>(what: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Temporal cluster: ${what} failed for ${timeoutMs / 1000} s: ${(err as Error).message}`);
      await sleep(250);
    }
  }
}

/**
 * What the dev server gets from its command line, done through the API on a real server: registers `namespace` with
 * `retentionDays` of closed-run retention (or sets it, when the namespace exists), and adds the project's search
 * attributes (workflows/search-attributes.ts) to it; SQL visibility keeps them per namespace. Returns once the
 * frontend lists every attribute.
 * @throws Error when the frontend refuses or stays unready for `timeoutMs`.
 */
export async function provisionNamespace(connection: Connection, namespace: string, retentionDays: number, timeoutMs: number): Promise<void> {
  const svc = connection.workflowService;
  const retention = msToTs(`${retentionDays} days`);
  const exists = await until('describe namespace', () => svc.describeNamespace({ namespace }).then(() => true, (err: unknown) => {
    if (isNotFound(err)) return false;
    throw err;
  }), timeoutMs);
  if (exists) await svc.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: retention } });
  else await svc.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
  await until(`namespace ${namespace} to be served`, () => svc.describeNamespace({ namespace }), timeoutMs);
  const listed = async () => (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  const present = await until('list search attributes', listed, timeoutMs);
  const missing = allSearchAttributes.filter((a) => !(a.name in present));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((a) => [a.name, encodeSearchAttributeIndexedValueType(a.type) ?? 0])),
    });
  }
  await until('search attributes to be listed', async () => {
    const now = await listed();
    const absent = allSearchAttributes.filter((a) => !(a.name in now)).map((a) => a.name);
    if (absent.length > 0) throw new Error(`not yet listed: ${absent.join(', ')}`);
  }, timeoutMs);
}
