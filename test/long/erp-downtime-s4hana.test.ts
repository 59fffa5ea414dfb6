import { downtimeScenario } from '../helpers/downtime-scenario.js';

downtimeScenario('s4hana', { errorRate: 0.3, replyLossRate: 0.1, seed: 11 });
