import { rulesScenario } from '../helpers/rules-scenario.js';

rulesScenario('s4hana', 1_400_000);
