import { backflushScenario } from '../helpers/erp-scenario.js';

backflushScenario('s4hana', 1_200_000);
