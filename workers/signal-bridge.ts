import { jetstreamManager } from '@nats-io/jetstream';
import { LineContextCache } from '../bridge/context.js';
import { createBridgeMetrics } from '../bridge/metrics.js';
import { startShiftStarter } from '../bridge/shift-starter.js';
import { startSignalBridge } from '../bridge/signal-bridge.js';
import { provisionStreams } from '../jetstream/provision.js';
import { createDb } from '../db/client.js';
import { natsSettings, readEnv } from './wiring/config.js';
import { runProcess } from './wiring/lifecycle.js';
import { temporalTargetFromEnv } from './wiring/temporal-connection.js';
import { createLogger, logLevel } from './wiring/logger.js';
import { serveMetrics } from './wiring/metrics-server.js';
import { connectNats } from './wiring/nats.js';
import { connectTemporalClient } from './wiring/temporal-client.js';

/** The signal bridge process; run as many as needed, they share the durable consumer `signal-bridge`. */
const log = createLogger('signal-bridge', logLevel(process.env.MES_LOG_LEVEL));
runProcess('signal-bridge', log, async () => {
  const env = readEnv(process.env);
  const db = createDb(env.DATABASE_URL);
  const { client, connection } = await connectTemporalClient(temporalTargetFromEnv(process.env, env), log);
  const nats = natsSettings(env);
  const nc = await connectNats(nats, 'signal-bridge');
  const jsm = await jetstreamManager(nc);
  // Run at start and again when the durable or its stream is found gone while running.
  const provision = () => provisionStreams(jsm, nats.streams);
  await provision();
  const context = new LineContextCache(db, env.DATABASE_URL);
  await context.start();
  const metrics = createBridgeMetrics();
  const metricsServer = await serveMetrics(metrics.registry, env.MES_BRIDGE_METRICS_PORT);
  const killAt = env.MES_BRIDGE_KILL_AFTER_COMMIT_ROUND;
  const bridge = startSignalBridge({ nc, client, db, context, metrics, log, provision }, {
    relay: { shiftLateGraceMs: env.MES_SHIFT_LATE_GRACE_S * 1000 },
    seenRetentionMs: env.MES_SEEN_EVENTS_RETENTION_HOURS === undefined ? undefined : env.MES_SEEN_EVENTS_RETENTION_HOURS * 3_600_000,
    // The hard way, as a crash would: no ack, no signal, nothing flushed after the commit.
    afterCommit: killAt === undefined ? undefined : (round) => {
      if (round === killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
  // Shifts run on time, from their start, whether or not an event comes (each then hands over to the next).
  const shifts = startShiftStarter({ db, client, log }, env.MES_SHIFT_LATE_GRACE_S * 1000);
  return async () => {
    await shifts.stop();
    await bridge.stop();
    await nc.drain();
    await context.stop();
    await metricsServer.stop();
    await connection.close();
    await db.$client.end();
  };
}, process.env);
