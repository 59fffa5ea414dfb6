import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { ErpUnavailable } from '../../../contracts/erp-port.js';
import { withAttemptDeadline } from '../../../erp/attempt-deadline.js';
import { postOnce, settleTime, untilSettled } from '../../../erp/post-once.js';
import { S4HanaErpAdapter } from '../../../erp/s4hana/adapter.js';
import { SAP_CREDS, useSapDouble } from '../../helpers/sap-double.js';

// A post SAP commits after the client gave up (its work process runs on): what look-up-before-post needs to settle it.
const double = useSapDouble();
const impatient = () =>
  new S4HanaErpAdapter({ baseUrl: double.baseUrl, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password }, timeoutMs: 300, commitWindowMs: 1_000 });
const conf = (postingKey: string, erpOrderId: string) => ({ postingKey, erpOrderId, operation: '0010', yieldQty: '10', scrapQty: '0', unit: 'PC', isFinal: false });
const booked = (order: string) => double.sap.store.confirmations.filter((c) => c.OrderID === order).length;
beforeEach(() => {
  double.sap.faults.set({});
});

describe('late commits', () => {
  it('a look-up right after the client gave up misses the late commit: the retry posts a second document', async () => {
    const erp = impatient();
    const post = () => erp.postConfirmation(conf('late#1', '1000330'));
    await erp.findPostings('warm-up#1', 'confirmation'); // the session exists; the late post is the only slow call
    double.sap.faults.set({ lateCommitRate: 1, lateCommitMs: 800 });
    await expect(post()).rejects.toBeInstanceOf(ErpUnavailable);
    double.sap.faults.set({});
    expect((await postOnce(erp, 'late#1', post, 'confirmation')).replayed).toBe(false);
    await sleep(1_000);
    expect(booked('1000330')).toBe(2); // what the design without a commit window does
  });

  it('a look-up once the commit window has passed finds the late commit: one document', async () => {
    const erp = impatient();
    const post = () => erp.postConfirmation(conf('late#2', '1000331'));
    await erp.findPostings('warm-up#2', 'confirmation');
    double.sap.faults.set({ lateCommitRate: 1, lateCommitMs: 800 });
    const sentAt = new Date();
    await expect(post()).rejects.toBeInstanceOf(ErpUnavailable);
    const endedAt = new Date();
    double.sap.faults.set({});
    const retry = await postOnce(erp, 'late#2', post, 'confirmation', settleTime({ postSentAt: sentAt, postEndedAt: endedAt }, erp.commitWindowMs));
    expect(retry.replayed).toBe(true);
    expect(double.sap.faults.counts['late-commit']).toBe(2);
    expect(booked('1000331')).toBe(1);
  });

  it('settles from the end of the open post; nothing to wait for without one; a wait beyond the attempt is retried', async () => {
    const sent = new Date(1_000);
    expect(settleTime({ postSentAt: sent, postEndedAt: new Date(5_000) }, 3_000)).toBe(8_000);
    expect(settleTime({ postSentAt: null, postEndedAt: null }, 3_000)).toBe(0);
    expect(settleTime({ postSentAt: sent, postEndedAt: new Date(5_000) }, 0)).toBe(0);
    await expect(withAttemptDeadline(2_000, () => untilSettled('k#1', Date.now() + 60_000))).rejects.toThrow(/may still commit until/);
    const t0 = Date.now();
    await withAttemptDeadline(5_000, () => untilSettled('k#1', t0 + 200));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });
});
