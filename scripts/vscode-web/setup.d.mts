// Types for setup.mjs.
import type { VscodeWebPaths } from './paths.mjs';
export type { VscodeWebPaths } from './paths.mjs';
export { getPaths } from './paths.mjs';

export declare function ensureVscodeWeb(opts?: { force?: boolean; quiet?: boolean; root?: string }): Promise<VscodeWebPaths>;
