import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../stack/index.js';

let dataDir: string;
let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const natsOf = (s: Stack) => connect({ servers: s.nats.url, user: s.nats.user, pass: s.nats.password });

describe('embedded stack', () => {
  it('keeps workflows, stream messages and rows across a restart on the same data dir', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mes-restart-'));
    await chmod(dataDir, 0o755);
    stack = await startStack({ dataDir });
    await stack.temporal.env.client.workflow.start('anyWorkflow', { taskQueue: 'nobody-polls', workflowId: 'persisted-1' });
    let nc = await natsOf(stack);
    await (await jetstreamManager(nc)).streams.add({ name: 'KEEP', subjects: ['keep.>'] });
    await jetstream(nc).publish('keep.one', 'kept');
    await nc.close();
    let db = new pg.Client({ connectionString: stack.postgres.url });
    await db.connect();
    await db.query('create table kept (v text)');
    await db.query('insert into kept values ($1)', ['row']);
    await db.end();
    await stack.stop();

    stack = await startStack({ dataDir });
    const d = await stack.temporal.env.client.workflow.getHandle('persisted-1').describe();
    expect(d.status.name).toBe('RUNNING');
    nc = await natsOf(stack);
    const m = await (await jetstreamManager(nc)).streams.getMessage('KEEP', { seq: 1 });
    expect(m?.string()).toBe('kept');
    await nc.close();
    db = new pg.Client({ connectionString: stack.postgres.url });
    await db.connect();
    expect((await db.query('select v from kept')).rows).toEqual([{ v: 'row' }]);
    await db.end();
  });

  it('refuses NATS clients without the generated credentials', async () => {
    await expect(connect({ servers: stack!.nats.url, reconnect: false })).rejects.toThrow(/Authorization/i);
  });
});
