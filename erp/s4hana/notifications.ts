import type { DowntimeRequest, ErpDocument, ErpDowntime, QualityNotificationRequest } from '../../contracts/erp-port.js';
import { canonicalDecimal } from '../../contracts/decimal.js';
import {
  INTERNAL_PROBLEM_REPORT,
  MAINT_NOTIF_EXT_REFERENCE_MAX,
  MAINT_NOTIFICATION_SERVICE,
  MaintenanceNotificationKey,
  MaintenanceNotificationRead,
  type MaintenanceNotificationCreate,
  NOTIFICATION_TEXT_MAX,
  QUALITY_NOTIFICATION_SERVICE_V4,
  QualityNotification,
  type QualityNotificationCreate,
  SapOrderNumber,
  SapPlant,
  odataEntity,
  selectOf,
} from '../../contracts/messages/sap-odata.js';
import type { ODataSession } from './odata-session.js';
import { odataString, sapReference } from './posting-ref.js';
import { isoFromSap, sapDateTime, sapField } from './sap-fields.js';

// Downtime (malfunction reports, API_MAINTNOTIFICATION, OData v2) and quality notifications (OData v4): the
// S/4HANA adapter's notifications, apart from its confirmations and material documents. Why these APIs:
// docs/erp-s4hana.md.

/**
 * SAP's standard notification type for a malfunction report (M2); the breakdown indicator makes it count in
 * SAP's availability figures (MTTR/MTBF).
 */
const MALFUNCTION_REPORT = 'M2';
/** Our reference at the head of a quality notification's short text; the rest of its 40 characters is the defect. */
const QN_REFERENCE_MAX = 22;
const qnReference = (postingKey: string) => sapReference(postingKey, QN_REFERENCE_MAX);
const longTextField = (text: string, label: string) => new RegExp(`^${label}: (\\S+)$`, 'm').exec(text)?.[1] ?? null;
const downtimeReference = (postingKey: string) => sapReference(postingKey, MAINT_NOTIF_EXT_REFERENCE_MAX, { upperCase: true });

/** Malfunction reports posted under a key: their numbers. */
export async function findDowntime(session: ODataSession, postingKey: string): Promise<string[]> {
  const filter = `MaintNotifExtReferenceNumber eq ${odataString(downtimeReference(postingKey))}`;
  const path = `MaintenanceNotification?$filter=${encodeURIComponent(filter)}&$select=${selectOf(MaintenanceNotificationKey)}`;
  const r = await session.collection(MAINT_NOTIFICATION_SERVICE, path, MaintenanceNotificationKey);
  return r.map((n) => n.MaintenanceNotification);
}

/**
 * Downtime as a malfunction report (M2) of API_MAINTNOTIFICATION with the breakdown indicator, malfunction start and
 * end and the breakdown duration in minutes; the machine is the technical object (its functional location label).
 * SAP charges a notification's follow-up costs to the technical object's cost center; the line's cost center as the
 * MES knows it goes into the long text, where reconciliation reads it back.
 */
export async function postDowntime(session: ODataSession, req: DowntimeRequest): Promise<ErpDocument> {
  const plant = sapField(SapPlant, req.plant, 'plant', `downtime ${req.postingKey}`);
  const start = sapDateTime(req.startedAt);
  const end = sapDateTime(req.endedAt);
  const body: MaintenanceNotificationCreate = {
    NotificationText: `Downtime ${req.machine} ${req.state}`.slice(0, NOTIFICATION_TEXT_MAX),
    NotificationType: req.notificationType ?? MALFUNCTION_REPORT,
    MaintenancePlanningPlant: plant,
    TechnicalObject: req.machine.toUpperCase(),
    TechObjIsEquipOrFuncnlLoc: 'EAMS_FL',
    MaintenanceObjectIsDown: req.breakdown ?? true,
    MalfunctionStartDate: start.date,
    MalfunctionStartTime: start.time,
    MalfunctionEndDate: end.date,
    MalfunctionEndTime: end.time,
    MaintObjectDowntimeDuration: req.durationMin,
    MaintObjDowntimeDurationUnit: 'MIN',
    MaintNotifExtReferenceNumber: downtimeReference(req.postingKey),
    MaintNotifLongTextForEdit: [
      `MES downtime ${req.postingKey}`,
      `Line: ${req.line}`,
      `Cost center: ${req.costCenter}`,
      `Machine: ${req.machine}`,
      `State: ${req.state}`,
      `From: ${req.startedAt}`,
      `To: ${req.endedAt}`,
    ].join('\n'),
  };
  const r = await session.request('POST', MAINT_NOTIFICATION_SERVICE, 'MaintenanceNotification', odataEntity(MaintenanceNotificationKey), body);
  return { document: r.d.MaintenanceNotification, postingKey: req.postingKey };
}

export async function listDowntime(session: ODataSession, plant: string): Promise<ErpDowntime[]> {
  sapField(SapPlant, plant, 'plant', 'downtime list');
  // Every type: a planned stop may be reported as another notification type than M2 (DowntimeRequest.notificationType).
  const filter = `MaintenancePlanningPlant eq ${odataString(plant)}`;
  const path = `MaintenanceNotification?$filter=${encodeURIComponent(filter)}&$select=${selectOf(MaintenanceNotificationRead)}`;
  const r = await session.collection(MAINT_NOTIFICATION_SERVICE, path, MaintenanceNotificationRead);
  return r.map((n) => ({
    document: n.MaintenanceNotification,
    reference: n.MaintNotifExtReferenceNumber || null,
    machine: longTextField(n.MaintNotificationLongText, 'Machine'),
    costCenter: longTextField(n.MaintNotificationLongText, 'Cost center'),
    state: longTextField(n.MaintNotificationLongText, 'State') as ErpDowntime['state'],
    startedAt: isoFromSap(n.MalfunctionStartDate, n.MalfunctionStartTime),
    endedAt: isoFromSap(n.MalfunctionEndDate, n.MalfunctionEndTime),
    durationMin: canonicalDecimal(Number(n.MaintObjectDowntimeDuration).toFixed(3)),
    notificationType: n.NotificationType,
    breakdown: n.MaintenanceObjectIsDown,
  }));
}

/**
 * An internal problem report (Q3) through SAP's OData v4 quality notification API. The short text carries our
 * reference first (`<reference> <defect text>`, 40 characters in all), so a retry finds it with `startswith`;
 * the reference is the key itself up to 22 characters, else `MES` + 19 hex digits of its SHA-256 (76 bits).
 */
export async function raiseQualityNotification(session: ODataSession, req: QualityNotificationRequest): Promise<ErpDocument> {
  const what = `quality notification ${req.postingKey}`;
  const plant = sapField(SapPlant, req.plant, 'plant', what);
  const order = req.erpOrderId === undefined ? undefined : sapField(SapOrderNumber, req.erpOrderId, 'erpOrderId', what);
  const body: QualityNotificationCreate = {
    NotificationType: INTERNAL_PROBLEM_REPORT,
    NotificationText: `${qnReference(req.postingKey)} ${req.defectText}`.slice(0, NOTIFICATION_TEXT_MAX),
    Material: req.material,
    Plant: plant,
    ...(order ? { ManufacturingOrder: order } : {}),
    ComplaintQuantity: Number(req.quantity),
    NotificationQuantityUnit: req.unit,
    ReportedByUser: req.reportedBy.toUpperCase(),
  };
  const r = await session.request('POST', QUALITY_NOTIFICATION_SERVICE_V4, 'QualityNotification', QualityNotification.pick({ QualityNotification: true }), body);
  return { document: r.QualityNotification, postingKey: req.postingKey };
}

/** Quality notifications posted under a key: their numbers. */
export async function findQualityNotifications(session: ODataSession, postingKey: string): Promise<string[]> {
  const filter = `startswith(NotificationText,${odataString(`${qnReference(postingKey)} `)})`;
  const path = `QualityNotification?$filter=${encodeURIComponent(filter)}&$select=QualityNotification`;
  const r = await session.collection(QUALITY_NOTIFICATION_SERVICE_V4, path, QualityNotification.pick({ QualityNotification: true }));
  return r.map((n) => n.QualityNotification);
}
