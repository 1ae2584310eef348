/**
 * The repository's root, for the paths every benchmark builds on (node_modules,
 * bench/results, bench/servers) and as the directory children start in.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory (two levels above this file). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
