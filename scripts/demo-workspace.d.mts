// Types for demo-workspace.mjs (imported by the e2e tests).
export declare const REPO_ROOT: string;
export declare const DEFAULT_DEMO_DIR: string;
export declare const TEMPLATE_DIR: string;
export declare const FLUJO_STORE_PY: string;
/** File that marks a folder as a (re-creatable) demo workspace; holds the options and the store's manifest. */
export declare const MARKER: string;

/** What test/fixtures/flujo_store.py --manifest writes. */
export interface DemoManifest {
  schema: 'current' | 'legacy' | 'foreign';
  /** Scenario name → run id: enrichOk, failedTraceback, scoreOk, failedLoop, paused, tracesOnly,
   * stepsOnly, strange, traceSaveError, running. */
  scenarios: Record<string, string>;
  /** The newest runs, present only in flujo_ops.db-wal. */
  walRunIds: string[];
  runCount: number;
  spanCount: number;
  /** Oldest first. createdAt is ISO-8601 with offset; status is the store's word (completed, failed, paused, running). */
  runs: Array<{ id: string; pipeline: string; status: string; createdAt: string; spans: number }>;
}

export interface DemoWorkspaceOptions {
  /** Default: .spanlens-cache/demo-workspace. Must be missing, empty, or an earlier demo workspace (unless force). */
  dir?: string;
  /** Generated runs besides the ten scenario runs (default 24). */
  runs?: number;
  /** Newest runs left only in the -wal (default 4). */
  walRuns?: number;
  seed?: number;
  /** ISO date-time of the first run, or 'recent' (default): the newest run starts ~5 min before now. */
  baseTime?: string;
  /** Add the span named <img src=x onerror=alert(1)> to the `strange` run (default true). */
  htmlName?: boolean;
  force?: boolean;
}

export declare function writeDemoWorkspace(options?: DemoWorkspaceOptions): { dir: string; store: string; manifest: DemoManifest };
export declare function readDemoManifest(dir?: string): DemoManifest | null;
