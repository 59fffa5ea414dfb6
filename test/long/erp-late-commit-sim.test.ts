import { lateCommitScenario } from '../helpers/late-commit-scenario.js';

lateCommitScenario('sim', 1_400_000);
