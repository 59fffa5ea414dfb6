import { describe, expect, it } from 'vitest';
import { natsClusterNodeConfig, type NatsNodePlan } from '../../../stack/nats-cluster/config.js';

const node = (i: number): NatsNodePlan => ({
  name: `n${i}`,
  port: 4220 + i,
  clusterPort: 6220 + i,
  monitorPort: 8220 + i,
  dir: `/data/n${i}`,
  storeDir: `/data/n${i}/jetstream`,
});
const nodes = [node(1), node(2), node(3)];

describe('NATS cluster node config', () => {
  const conf = natsClusterNodeConfig({ clusterName: 'mes', self: nodes[1]!, nodes, user: 'mes', password: 'p-w_d', tags: ['site:plant1'] });

  it('names the node, listens on loopback only and keeps its own store', () => {
    expect(conf).toContain('server_name: "n2"');
    expect(conf).toContain('listen: "127.0.0.1:4222"');
    expect(conf).toContain('http: "127.0.0.1:8222"');
    expect(conf).toContain('jetstream { store_dir: "/data/n2/jetstream" }');
    expect(conf).toContain('listen: "127.0.0.1:6222"');
    expect(conf).toContain('server_tags: ["site:plant1"]');
  });

  it('routes to every other node with the clients\' credentials, and asks them of routes coming in', () => {
    expect(conf).toContain('routes: ["nats-route://mes:p-w_d@127.0.0.1:6221", "nats-route://mes:p-w_d@127.0.0.1:6223"]');
    expect(conf.match(/authorization \{ user: "mes", password: "p-w_d" \}/g)).toHaveLength(2);
    expect(conf).toContain('name: "mes"');
  });

  it('has no server_tags line without tags', () => {
    expect(natsClusterNodeConfig({ clusterName: 'mes', self: nodes[0]!, nodes, user: 'u', password: 'p', tags: [] })).not.toContain('server_tags');
  });
});
