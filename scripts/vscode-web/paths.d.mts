// Types for paths.mjs (imported from TypeScript by test/e2e).
export declare const NODE_MAJOR: number;
export declare const CODE_SERVER_VERSION: string;
export declare const VSCODE_VERSION: string;
export declare const MANIFEST_VERSION: number;

export interface VscodeWebPaths {
  manifestVersion: number;
  root: string;
  node24: string;
  nodeVersion: string;
  codeServerVersion: string;
  vscodeVersion: string;
  /** node_modules/.bin/code-server (a `#!/usr/bin/env node` shim: put Node 24 first on PATH). */
  codeServerBin: string;
  /** code-server's entry point, run as `node24 codeServerEntry …`. */
  codeServerEntry: string;
  chromium: string;
  chromiumVersion: string;
  installedAt: string;
}

export interface VscodeWebLayout {
  root: string;
  nodeDir: string;
  node24: string;
  codeServerDir: string;
  codeServerEntry: string;
  codeServerBin: string;
  logs: string;
  lock: string;
  manifest: string;
}

export declare function cacheDir(): string;
export declare function layout(root?: string): VscodeWebLayout;
export declare function readManifest(root?: string): VscodeWebPaths | null;
export declare function getPaths(root?: string): VscodeWebPaths;
export declare function pathWithNode24(node24: string, basePath?: string): string;
