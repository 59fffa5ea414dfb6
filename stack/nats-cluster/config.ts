import { natsBaseConfig } from '../nats.js';

/** The ports and store of one node, fixed for its life: a restarted node must come back where its peers route to. */
export interface NatsNodePlan {
  /** `server_name`: JetStream knows its peers by it, so it stays the same across restarts. */
  name: string;
  port: number;
  clusterPort: number;
  monitorPort: number;
  /** This node's own directory: its config file and its JetStream store. */
  dir: string;
  storeDir: string;
}

/**
 * One node's nats-server config: the single server's lines (loopback, file store, the same user/password for
 * clients), a `server_name`, `server_tags` for stream placement, and a `cluster` block whose routes name every other
 * node. Routes carry the same credentials: a route is a server-to-server client and is authorized like one.
 * Reference: nats-server docs, "JetStream Clustering" (server_name, cluster.name, routes) and "Cluster Configuration".
 */
export function natsClusterNodeConfig(o: {
  clusterName: string;
  self: NatsNodePlan;
  nodes: readonly NatsNodePlan[];
  user: string;
  password: string;
  tags: readonly string[];
}): string {
  const q = (s: string) => JSON.stringify(s);
  const auth = `${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}`;
  const routes = o.nodes.filter((n) => n !== o.self).map((n) => q(`nats-route://${auth}@127.0.0.1:${n.clusterPort}`));
  return [
    `server_name: ${q(o.self.name)}`,
    ...natsBaseConfig({ port: o.self.port, monitorPort: o.self.monitorPort, storeDir: o.self.storeDir, user: o.user, password: o.password }),
    ...(o.tags.length > 0 ? [`server_tags: [${o.tags.map(q).join(', ')}]`] : []),
    'cluster {',
    `  name: ${q(o.clusterName)}`,
    `  listen: "127.0.0.1:${o.self.clusterPort}"`,
    `  authorization { user: ${q(o.user)}, password: ${q(o.password)} }`,
    `  routes: [${routes.join(', ')}]`,
    '}',
  ].join('\n');
}
