import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findServerBinary, NATS_SERVER } from '../binaries.js';
import { exactPort, freePort } from '../free-port.js';
import { natsCredentials, spawnNats, waitHealthy, type NatsProcess, type NatsServer } from '../nats.js';
import { natsClusterNodeConfig, type NatsNodePlan } from './config.js';

export type { NatsNodePlan } from './config.js';

export interface NatsClusterOptions {
  /** Credentials (shared by every node) and one directory per node (`n1`, `n2`, ...) with its config and store. */
  dataDir: string;
  /** 3 by default: the smallest cluster that keeps a JetStream quorum (2 of 3) when one node is lost. */
  nodes?: number;
  /** Preferred client port per node, taken when free (`npm start` asks for 4222 for the first); else any free port. */
  ports?: readonly (number | undefined)[];
  /** `server_tags` of every node, for streams placed by tag (MES_NATS_PLACEMENT_TAGS). */
  tags?: readonly string[];
  /** How long the nodes may take to elect a JetStream meta leader; 60 s by default (a busy 2-core machine). */
  startTimeoutMs?: number;
}

/** One node of the cluster; its ports and store stay the same across `kill()` and `restart()`. */
export interface NatsNode {
  plan: NatsNodePlan;
  url: string;
  monitorUrl: string;
  /** The current process (a new one after `restart()`): pid, exit state, log tail. */
  process(): NatsProcess;
  exited(): boolean;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts the node again on its ports and store; resolves once it reports JetStream current (`/healthz`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The stack's NATS as a cluster: `url` lists every node (comma-separated, for NATS_URL), `replicas` is the node count,
 * `monitorUrl` is the first node's.
 */
export interface NatsCluster extends NatsServer {
  /** The `cluster.name` every node carries (`mes`). */
  name: string;
  urls: string[];
  nodes: NatsNode[];
  /** Milliseconds from spawning the processes to a meta leader every live node agrees on. */
  startupMs: number;
  /**
   * Waits until every live node names the same JetStream meta leader and the cluster counts all nodes, and returns
   * the leader's server name.
   * @throws Error with each node's view when that does not happen within `timeoutMs`.
   */
  metaLeader(timeoutMs?: number): Promise<string>;
}

export const NATS_CLUSTER_NAME = 'mes';

/** What one node's `/jsz` says about the JetStream meta group (nats-server monitoring, `meta_cluster`). */
interface MetaView {
  leader?: string;
  cluster_size?: number;
}

async function metaView(monitorUrl: string): Promise<MetaView | string> {
  try {
    const r = await fetch(`${monitorUrl}/jsz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await r.json()) as { meta_cluster?: MetaView };
    return body.meta_cluster ?? 'no meta_cluster in /jsz';
  } catch (err) {
    return (err as Error).message;
  }
}

async function planNodes(dataDir: string, count: number, ports: readonly (number | undefined)[]): Promise<NatsNodePlan[]> {
  const plans: NatsNodePlan[] = [];
  for (let i = 0; i < count; i++) {
    const name = `n${i + 1}`;
    const dir = path.join(dataDir, name);
    plans.push({ name, port: await freePort(ports[i]), clusterPort: await freePort(), monitorPort: await freePort(), dir, storeDir: path.join(dir, 'jetstream') });
  }
  return plans;
}

/**
 * Starts `nodes` nats-server processes on loopback as one cluster with JetStream, each with its own store, the same
 * user/password for clients and routes as the single server (credentials kept in `dataDir`), and returns once a
 * JetStream meta leader is elected and every node reports JetStream current. On any failure every process started
 * is killed before the error is thrown.
 * @throws MissingServerBinary when nats-server is not found or installable.
 * @throws Error naming the node and its log, or each node's meta view, when the start fails or times out.
 */
export async function startNatsCluster(opts: NatsClusterOptions): Promise<NatsCluster> {
  const count = opts.nodes ?? 3;
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  await mkdir(opts.dataDir, { recursive: true });
  const binary = await findServerBinary(NATS_SERVER);
  const { user, password } = await natsCredentials(opts.dataDir);
  const plans = await planNodes(opts.dataDir, count, opts.ports ?? []);
  const t0 = performance.now();

  const startNode = async (plan: NatsNodePlan): Promise<NatsNode> => {
    const conf = path.join(plan.dir, 'nats-server.conf');
    await mkdir(plan.dir, { recursive: true });
    // The file holds the password.
    await writeFile(conf, natsClusterNodeConfig({ clusterName: NATS_CLUSTER_NAME, self: plan, nodes: plans, user, password, tags: opts.tags ?? [] }), { mode: 0o600 });
    const monitorUrl = `http://127.0.0.1:${plan.monitorPort}`;
    let proc: NatsProcess = spawnNats(binary.path, conf);
    const node: NatsNode = {
      plan,
      url: `nats://127.0.0.1:${plan.port}`,
      monitorUrl,
      process: () => proc,
      exited: () => proc.exited(),
      kill: () => proc.kill(),
      stop: () => proc.stop(),
      restart: async () => {
        await proc.stop();
        // Its peers route to these ports and clients hold its URL: it must come back on them, not elsewhere.
        for (const port of [plan.port, plan.clusterPort, plan.monitorPort]) await exactPort(port);
        proc = spawnNats(binary.path, conf);
        try {
          await waitHealthy(monitorUrl, proc, '', timeoutMs);
        } catch (err) {
          await proc.kill();
          throw new Error(`NATS node ${plan.name} did not come back: ${(err as Error).message}`, { cause: err });
        }
      },
    };
    return node;
  };

  const nodes: NatsNode[] = [];
  try {
    for (const plan of plans) nodes.push(await startNode(plan));
    // Each node alone only gets JetStream enabled; the meta group needs a quorum of them running.
    await Promise.all(nodes.map((n) => healthy(n, 'js-enabled-only=true', timeoutMs)));
    const cluster: NatsCluster = {
      name: NATS_CLUSTER_NAME,
      url: nodes.map((n) => n.url).join(','),
      urls: nodes.map((n) => n.url),
      user,
      password,
      monitorUrl: nodes[0]!.monitorUrl,
      binary,
      replicas: count,
      nodes,
      startupMs: 0,
      metaLeader: (ms = timeoutMs) => waitMetaLeader(nodes, ms),
      stop: async () => {
        await Promise.all(nodes.map((n) => n.stop()));
      },
    };
    await cluster.metaLeader();
    // Full health: the meta group is current on every node, and so is every stream and consumer a node holds.
    await Promise.all(nodes.map((n) => healthy(n, '', timeoutMs)));
    cluster.startupMs = Math.round(performance.now() - t0);
    return cluster;
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill()));
    throw err;
  }
}

/** `waitHealthy` on the node's current process, its error naming the node. */
const healthy = (n: NatsNode, check: string, timeoutMs: number) =>
  waitHealthy(n.monitorUrl, n.process(), check, timeoutMs).catch((err: Error) => {
    throw new Error(`NATS node ${n.plan.name}: ${err.message}`, { cause: err });
  });

async function waitMetaLeader(nodes: readonly NatsNode[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let views: (MetaView | string)[] = [];
  while (Date.now() < deadline) {
    const live = nodes.filter((n) => !n.exited());
    views = await Promise.all(live.map((n) => metaView(n.monitorUrl)));
    const leaders = new Set(views.map((v) => (typeof v === 'string' ? undefined : v.leader)));
    const [leader] = leaders;
    const sized = views.every((v) => typeof v !== 'string' && v.cluster_size === nodes.length);
    if (leaders.size === 1 && leader && sized) return leader;
    await sleep(100);
  }
  const said = views.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ');
  throw new Error(`no JetStream meta leader agreed by the NATS nodes after ${timeoutMs / 1000} s: ${said}`);
}
