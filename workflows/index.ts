export { workOrderWorkflow } from './work-order.js';
