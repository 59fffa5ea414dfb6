export { workOrderWorkflow } from './work-order.js';
export { shiftWorkflow } from './shift.js';
