import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CompleteOrder, ProductionCountBatch } from '../contracts/messages/production-count.js';
import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';

// Types only from contracts, so zod stays out of the workflow bundle.
export const productionCountsSignal = defineSignal<[ProductionCountBatch]>('productionCounts');
export const completeOrderSignal = defineSignal<[CompleteOrder]>('completeOrder');
/** A person fixed what made the ERP reject the posting; the workflow posts again under the same key. */
export const retryPostingSignal = defineSignal<[{ requestedBy: string }]>('retryPosting');
export const statusQuery = defineQuery<WorkOrderStatus>('status');
