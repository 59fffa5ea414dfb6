import { backflushScenario } from '../helpers/erp-scenario.js';

backflushScenario('sim', 1_100_000);
