import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Everything the project installs or stores for itself lives under `.mes/` (git-ignored). */
export const localDir = path.join(projectRoot, '.mes');
export const toolsDir = path.join(localDir, 'tools');
export const defaultDataDir = path.join(localDir, 'data');
