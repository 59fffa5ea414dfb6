export { workOrderWorkflow } from './work-order.js';
export { shiftWorkflow } from './shift.js';
export { reconciliationFixWorkflow } from './reconciliation-fix.js';
export { exceptionRoutingWorkflow } from './exception-routing.js';
