import type { JetStreamClient } from '@nats-io/jetstream';
import { workOrderWorkflowId } from '../contracts/ids.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import { nowIso, publishException } from '../jetstream/publish-exception.js';
import type { Db } from '../db/client.js';
import { closedOrder, KNOWN_LISTED, placementFacts, type ClosedOrder, type PlacementFacts } from '../db/release-facts.js';

/** One field of a release the MES cannot place, named as the API names it (`body.line`), with the reason. */
export interface ReleaseFieldIssue {
  field: `body.${'site' | 'line' | 'material'}`;
  message: string;
}

/**
 * Why a release is not started, in one shape for the API (status and detail), the NATS listener and the webhook
 * (an exception on `ops.<site>.exception.<stage>`, the OPS_EXCEPTIONS stream):
 * - `unplaceable` (422): its site, line or material is not in the plant file, so the order would sit `released`
 *   forever (no line) or run with an empty BOM and confirm without backflush (no material);
 * - `closed` (409): the MES recorded the order as closed; a new run would post under the old run's posting keys,
 *   find the old documents, and the new quantity would never reach the ERP.
 */
export type ReleaseRefusal =
  | { kind: 'unplaceable'; status: 422; message: string; issues: ReleaseFieldIssue[] }
  | { kind: 'closed'; status: 409; message: string; phase: string; closedAt: string };

/**
 * Whether the release brings the order's own components from the ERP (the SAP intake reads them from the released
 * order, services/sap-intake.ts): then a material the plant file does not know is still placeable, its backflush
 * coming from those components (workflows/backflush.ts `withOrderComponents`), not from the plant file's BOM.
 */
const hasErpComponents = (release: OrderReleased): boolean => (release.components?.length ?? 0) > 0;

const known = (codes: string[], limit = KNOWN_LISTED) => (codes.length === 0 ? 'none' : `${codes.join(', ')}${codes.length >= limit ? ', ...' : ''}`);

/**
 * The decision of `checkRelease` on facts already read: pure, so each rule is unit-tested without a database.
 * @param ended the order's end as the MES recorded it (db/release-facts.ts `closedOrder`), null when open or unknown.
 */
export function judgeRelease(release: OrderReleased, facts: PlacementFacts, ended: ClosedOrder | null): ReleaseRefusal | null {
  if (ended)
    return {
      kind: 'closed', status: 409, phase: ended.phase, closedAt: ended.closedAt,
      message: `order ${release.erpOrderId} of site ${release.site} is closed in the MES's records (${ended.phase} at ${ended.closedAt}): a closed order is not started again; release the quantity under a new order`,
    };
  const issues: ReleaseFieldIssue[] = [];
  if (!facts.siteKnown) issues.push({ field: 'body.site', message: `no site ${release.site} in the plant file (known: ${known(facts.sites)})` });
  else if (!facts.lines.includes(release.line))
    issues.push({ field: 'body.line', message: `no line ${release.line} in site ${release.site} (known: ${known(facts.lines, Infinity)})` });
  if (!facts.materialKnown && !hasErpComponents(release))
    issues.push({ field: 'body.material', message: `material ${release.material} is not in the plant file and the release brings no components: its backflush is unknown (known: ${known(facts.materials)})` });
  if (issues.length === 0) return null;
  return { kind: 'unplaceable', status: 422, issues, message: `release of order ${release.erpOrderId} cannot be placed: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}` };
}

/** Placement facts not read: a closed order is refused before its master data matters. */
const NOT_READ: PlacementFacts = { sites: [], siteKnown: true, lines: [], materialKnown: true, materials: [] };

/**
 * The check every release passes before its workflow starts, whichever way it came (API, ERP webhook, NATS, and the
 * SAP intake's business events, webhook and poller): can the MES place it (site, line, material in the plant file,
 * or the order's own components), and is the order not closed in the MES's own records (whatever Temporal still
 * retains of the closed run). Null when the release may start.
 * @throws the database's error (the caller retries the release).
 */
export async function checkRelease(db: Db, release: OrderReleased): Promise<ReleaseRefusal | null> {
  const ended = await closedOrder(db, workOrderWorkflowId(release.site, release.erpOrderId));
  return judgeRelease(release, ended ? NOT_READ : await placementFacts(db, release.site, release.material), ended);
}

/** Tells a person about a refused release: the processes bind `publishRefusedRelease` with their stage. */
export type ReportRefusedRelease = (release: OrderReleased, refusal: ReleaseRefusal) => Promise<void>;

/**
 * A refused release as an exception a person sees: published to `ops.<site>.exception.<stage>` (OPS_EXCEPTIONS
 * stream) with the refusal and the release itself, so nothing is refused silently.
 * @param stage who refused it: `erp-listener` (NATS, releases and SAP events), `erp-webhook` (the ERP's and SAP's
 *   webhooks), `sap-poller`.
 */
export async function publishRefusedRelease(js: JetStreamClient, stage: string, release: OrderReleased, refusal: ReleaseRefusal): Promise<void> {
  await publishException(js, {
    kind: 'validation-failure', severity: 'warning', site: release.site, line: release.line,
    erpOrderId: release.erpOrderId, workflowId: null, stage, causeKey: `release-refused:${release.site}:${release.erpOrderId}:${refusal.kind}`,
    occurrence: `${release.erpOrderId}:${refusal.message.slice(0, 200)}`, reason: refusal.message.slice(0, 4000), evidence: { refusal, release },
    actions: ['skip', 'escalate'], occurredAt: nowIso(),
  }, { refusal, release });
}
