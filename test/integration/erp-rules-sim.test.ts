import { rulesScenario } from '../helpers/rules-scenario.js';

rulesScenario('sim', 1_300_000);
