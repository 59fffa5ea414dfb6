import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed search attributes: what makes an order findable in the Temporal Web UI. */
export const ErpOrderIdAttr = defineSearchAttributeKey('ErpOrderId', SearchAttributeType.KEYWORD);
export const SiteAttr = defineSearchAttributeKey('Site', SearchAttributeType.KEYWORD);
export const LineAttr = defineSearchAttributeKey('Line', SearchAttributeType.KEYWORD);
export const MaterialAttr = defineSearchAttributeKey('Material', SearchAttributeType.KEYWORD);
/** The order's phase (contracts/messages/work-order-status.ts), under the name the Web UI and saved queries know. */
export const OrderPhaseAttr = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const QualityHoldAttr = defineSearchAttributeKey('QualityHold', SearchAttributeType.BOOL);

export const allSearchAttributes = [ErpOrderIdAttr, SiteAttr, LineAttr, MaterialAttr, OrderPhaseAttr, QualityHoldAttr];
