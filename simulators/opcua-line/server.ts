import {
  AccessRestrictionsFlag,
  DataType,
  DataValue,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  PermissionFlag,
  SecurityPolicy,
  StatusCode,
  StatusCodes,
  Variant,
  VariantArrayType,
  WellKnownRoles,
  type UAVariable,
} from 'node-opcua';
import { SimLineOptions, type SimMachine } from './config.js';
import { seededRandom as rng } from '../seeded-random.js';
import { MachineModel, type MachineSnapshot } from './machine.js';

export interface SimLine {
  endpoint: string;
  port: number;
  /** Pieces made since the simulation began (unwrapped), across restarts when started with `restore`. */
  produced(machine: string): { good: number; scrap: number };
  /** Sets every machine running or idle (idle makes no pieces): tests start the count from a known point. */
  setRunning(running: boolean): void;
  /** Publishes `variable` with a bad status (e.g. BadSensorFailure), or back to good. */
  setStatus(machine: string, variable: string, status: 'good' | 'bad'): void;
  /**
   * Writes a value directly, for deadband and debounce tests (state as a string, temperature as a number). A
   * temperature is the machine's too: its drift goes on from there.
   */
  write(machine: string, variable: 'State' | 'Temperature' | 'AlarmActive', value: string | number | boolean): void;
  /** A machine's temperature now (°C). */
  temperature(machine: string): number;
  /** Sets a machine's temperature drift (per cycle, running or idle), as a heater going off its set point does. */
  drift(machine: string, perCycle: number): void;
  /**
   * Writes a counter as the PLC would, with status Good: `Good`/`Scrap` (idle machines only, or the model's next
   * step overwrites it) or one of the machine's `testCounters`, in the variable's own OPC UA data type.
   */
  writeCounter(machine: string, variable: string, value: number): void;
  /**
   * One transient reading, as a server that answers with a default value before real data or a PLC that answers one
   * read in fifty with 0: `Good`/`Scrap` show `value` (status Good) for `forMs`, then the machine's true counter again.
   * The machine counts on meanwhile (its counter and `produced()` are untouched); what it made shows when it ends.
   */
  glitch(machine: string, variable: 'Good' | 'Scrap', value: number, forMs?: number): void;
  /** An operator's reset of the PLC counter to 0: the machine counts on from 0, `produced()` keeps every piece. */
  resetCounter(machine: string, variable: 'Good' | 'Scrap'): void;
  /** What a retentive PLC keeps; hand it to the next start as `restore`. */
  snapshot(): Record<string, MachineSnapshot>;
  /** Sets the machines' PLC clock `ms` ahead (negative: behind) of the server's; the noise variables keep true time. */
  setClockSkew(ms: number): void;
  /**
   * Subscription ids of every session on the server; `dropSubscriptions` deletes them server-side while the
   * sessions live, as a server that loses or expires a subscription does (its next Publish gets BadNoSubscription).
   */
  subscriptionIds(): number[];
  dropSubscriptions(): number[];
  /** Noise variable changes pushed so far (benches). */
  noiseChanges(): number;
  stop(): Promise<Record<string, MachineSnapshot>>;
}

/**
 * Noise variables carry their own role permissions and access restrictions: without them the server resolves both
 * from the namespace's metadata nodes on every sample of every monitored item, which was most of a simulator's CPU
 * under bench load (the same rights as the default: any session may browse and read).
 */
const noiseAccess = {
  accessRestrictions: AccessRestrictionsFlag.None,
  rolePermissions: [WellKnownRoles.Anonymous, WellKnownRoles.AuthenticatedUser].map((roleId) => ({
    roleId,
    permissions: PermissionFlag.Browse | PermissionFlag.Read | PermissionFlag.ReadRolePermissions,
  })),
};

const securityMode = { None: MessageSecurityMode.None, Sign: MessageSecurityMode.Sign, SignAndEncrypt: MessageSecurityMode.SignAndEncrypt };

/** node-opcua carries Int64/UInt64 as [high, low] 32-bit words (two's complement for Int64); other types as numbers. */
function variantValue(dataType: keyof typeof DataType, value: number): number | [number, number] {
  if (dataType !== 'Int64' && dataType !== 'UInt64') return value;
  const big = BigInt.asUintN(64, BigInt(value));
  return [Number(big >> 32n), Number(big & 0xffffffffn)];
}

/**
 * An OPC UA production line: per machine `Good` and `Scrap` counters (UInt16 or UInt32, wrapping), `State`
 * (RUN/IDLE/STOP), `Temperature` (an AnalogItem with EURange 0..200, so percent deadband works), `AlarmActive`,
 * and optional `Noise<i>` analog load. Listens on 127.0.0.1 only.
 */
export async function startOpcuaLine(input: SimLineOptions, restore?: Record<string, MachineSnapshot>): Promise<SimLine> {
  const o = SimLineOptions.parse(input);
  const certificateManager = new OPCUACertificateManager({ rootFolder: o.certDir, automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true });
  await certificateManager.initialize();
  const server = new OPCUAServer({
    port: o.port,
    host: '127.0.0.1',
    hostname: '127.0.0.1',
    serverCertificateManager: certificateManager,
    securityModes: o.securityModes.map((m) => securityMode[m]),
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    allowAnonymous: !o.users,
    userManager: o.users ? { isValidUser: (u: string, p: string) => o.users!.some((x) => x.user === u && x.password === p) } : undefined,
    serverCapabilities: { operationLimits: { maxMonitoredItemsPerCall: o.maxMonitoredItemsPerCall } },
    buildInfo: { productName: 'mes-opcua-line-simulator', manufacturerName: 'mes-orchestrator' },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const ns = addressSpace.getOwnNamespace();
  const models = new Map<string, MachineModel>();
  const vars = new Map<string, UAVariable>();
  const timers: NodeJS.Timeout[] = [];
  let noise = 0;
  // Counter variables showing a glitch's value: the machine's steps do not publish them until it ends.
  const glitching = new Set<string>();

  // A PLC clock off by this much (ms): source timestamps of machine values move, server timestamps do not.
  let clockSkewMs = 0;
  const plcNow = () => new Date(Date.now() + clockSkewMs);
  /**
   * setValueFromSource stamps ServerTimestamp with the source time too; a server in front of a PLC stamps its own
   * clock. With a skew the value goes in with both timestamps through the method setValueFromSource itself uses.
   */
  const setFromPlc = (v: UAVariable, value: Variant, status: StatusCode) => {
    if (clockSkewMs === 0) return v.setValueFromSource(value, status, new Date());
    const dv = new DataValue({ value, statusCode: status, sourceTimestamp: plcNow(), serverTimestamp: new Date() });
    (v as unknown as { _internal_set_dataValue(d: DataValue): void })._internal_set_dataValue(dv);
  };
  const set = (key: string, dataType: DataType, value: unknown, status: StatusCode = StatusCodes.Good) =>
    setFromPlc(vars.get(key)!, new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }), status);

  o.machines.forEach((m: SimMachine, i) => {
    const model = new MachineModel(m, o.seed + i, restore?.[m.code]);
    model.running = o.running;
    models.set(m.code, model);
    const folder = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: m.code, nodeId: `s=${m.code}` });
    const counterType = m.counterType === 'UInt16' ? DataType.UInt16 : DataType.UInt32;
    const add = (name: string, dataType: DataType, value: unknown, access: Partial<typeof noiseAccess> = {}) => {
      const v = ns.addVariable({ componentOf: folder, browseName: name, nodeId: `s=${m.code}.${name}`, dataType, minimumSamplingInterval: 10, ...access });
      v.setValueFromSource(new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }));
      vars.set(`${m.code}.${name}`, v);
    };
    add('Good', counterType, model.s.good);
    add('Scrap', counterType, model.s.scrap);
    add('State', DataType.String, model.state);
    add('AlarmActive', DataType.Boolean, model.alarm);
    const temp = ns.addAnalogDataItem({
      componentOf: folder,
      browseName: 'Temperature',
      nodeId: `s=${m.code}.Temperature`,
      dataType: 'Double',
      engineeringUnitsRange: { low: 0, high: 200 },
      minimumSamplingInterval: 10,
      value: new Variant({ dataType: DataType.Double, value: model.s.temperature }),
    });
    vars.set(`${m.code}.Temperature`, temp as unknown as UAVariable);
    for (let n = 0; n < m.noiseTags; n++) add(`Noise${n}`, DataType.Double, 0, noiseAccess);
    for (const c of m.testCounters) add(c.name, DataType[c.dataType], variantValue(c.dataType, c.start));

    timers.push(
      setInterval(() => {
        const before = { ...model.s, state: model.state, alarm: model.alarm };
        model.step();
        if (model.s.good !== before.good && !glitching.has(`${m.code}.Good`)) set(`${m.code}.Good`, counterType, model.s.good);
        if (model.s.scrap !== before.scrap && !glitching.has(`${m.code}.Scrap`)) set(`${m.code}.Scrap`, counterType, model.s.scrap);
        if (model.state !== before.state) set(`${m.code}.State`, DataType.String, model.state);
        if (model.alarm !== before.alarm) set(`${m.code}.AlarmActive`, DataType.Boolean, model.alarm);
        set(`${m.code}.Temperature`, DataType.Double, model.s.temperature);
      }, Math.max(1, m.cycleMs / o.speed)),
    );
    if (m.noiseTags > 0) {
      const random = rng(o.seed * 7919 + i);
      // Load for benches: the variables looked up once, one source timestamp per tick (as a PLC scan stamps its values).
      const noiseVars = Array.from({ length: m.noiseTags }, (_, n) => vars.get(`${m.code}.Noise${n}`)!);
      timers.push(
        setInterval(() => {
          const now = new Date();
          for (const v of noiseVars) v.setValueFromSource({ dataType: DataType.Double, value: random() * 100 }, StatusCodes.Good, now);
          noise += noiseVars.length;
        }, m.noiseTickMs),
      );
    }
  });

  await server.start();
  const port = server.endpoints[0]!.port;
  const modelOf = (machine: string) => {
    const model = models.get(machine);
    if (!model) throw new Error(`no machine ${machine}`);
    return model;
  };
  const snapshot = () => Object.fromEntries([...models].map(([k, m]) => [k, { ...m.s }]));
  return {
    endpoint: `opc.tcp://127.0.0.1:${port}`,
    port,
    produced: (machine) => {
      const s = models.get(machine)!.s;
      return { good: s.producedGood, scrap: s.producedScrap };
    },
    setRunning: (running) => models.forEach((m) => (m.running = running)),
    setStatus: (machine, variable, status) => {
      const v = vars.get(`${machine}.${variable}`)!;
      const current = v.readValue().value;
      setFromPlc(v, current, status === 'bad' ? StatusCodes.BadSensorFailure : StatusCodes.Good);
    },
    write: (machine, variable, value) => {
      if (variable === 'Temperature') modelOf(machine).s.temperature = Number(value);
      const dataType = variable === 'State' ? DataType.String : variable === 'Temperature' ? DataType.Double : DataType.Boolean;
      set(`${machine}.${variable}`, dataType, value);
    },
    temperature: (machine) => modelOf(machine).s.temperature,
    drift: (machine, perCycle) => {
      modelOf(machine).driftPerCycle = perCycle;
    },
    writeCounter: (machine, variable, value) => {
      const v = vars.get(`${machine}.${variable}`);
      if (!v) throw new Error(`no variable ${machine}.${variable}`);
      const dataType = v.dataType.value as DataType;
      set(`${machine}.${variable}`, dataType, variantValue(DataType[dataType] as keyof typeof DataType, value));
    },
    glitch: (machine, variable, value, forMs = 200) => {
      const model = models.get(machine);
      if (!model) throw new Error(`no machine ${machine}`);
      const key = `${machine}.${variable}`;
      const dataType = model.cfg.counterType === 'UInt16' ? DataType.UInt16 : DataType.UInt32;
      glitching.add(key);
      set(key, dataType, value);
      timers.push(
        setTimeout(() => {
          glitching.delete(key);
          set(key, dataType, variable === 'Good' ? model.s.good : model.s.scrap);
        }, forMs),
      );
    },
    resetCounter: (machine, variable) => {
      const model = models.get(machine);
      if (!model) throw new Error(`no machine ${machine}`);
      if (variable === 'Good') model.s.good = 0;
      else model.s.scrap = 0;
      set(`${machine}.${variable}`, model.cfg.counterType === 'UInt16' ? DataType.UInt16 : DataType.UInt32, 0);
    },
    snapshot,
    setClockSkew: (ms) => {
      clockSkewMs = ms;
    },
    subscriptionIds: () => server.engine.getSessions().flatMap((sn) => sn.publishEngine.subscriptions.map((sub) => sub.id)),
    dropSubscriptions: () =>
      server.engine.getSessions().flatMap((sn) =>
        sn.publishEngine.subscriptions.map((sub) => {
          sn.deleteSubscription(sub.id);
          return sub.id;
        }),
      ),
    noiseChanges: () => noise,
    stop: async () => {
      timers.forEach(clearInterval);
      const snap = snapshot();
      await server.shutdown(0);
      await certificateManager.dispose();
      return snap;
    },
  };
}
