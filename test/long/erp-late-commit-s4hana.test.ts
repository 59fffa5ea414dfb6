import { lateCommitScenario } from '../helpers/late-commit-scenario.js';

lateCommitScenario('s4hana', 1_300_000);
