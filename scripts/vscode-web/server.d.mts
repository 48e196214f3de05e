// Types for server.mjs.
export declare const QUIET_SETTINGS: Readonly<Record<string, unknown>>;

export interface StartCodeServerOptions {
  /** Unpacked extension folder(s): package.json + built main. Copied into EXT/publisher.name-version. */
  extensionPath?: string | string[];
  /** Folder to open. */
  workspace: string;
  /** Default: a free loopback port. */
  port?: number;
  /** Default: a fresh temp dir, removed by stop(). A given one is kept (settings are merged into its User/settings.json). */
  userDataDir?: string;
  /** User settings, merged over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Symlink the extension instead of copying it. */
  link?: boolean;
  /** Where code-server's stdout/stderr go (appended). Default: <tmp>/code-server.log, removed by stop(). */
  logFile?: string;
  /** Extra environment for code-server and its extension host. */
  env?: Record<string, string>;
  /** How long to wait for code-server's HTTP server (default 60 000 ms). */
  timeoutMs?: number;
  quiet?: boolean;
  /** Workspace trust on (default off): the folder opens untrusted, in Restricted Mode, without a prompt. */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT/?folder=/abs/workspace */
  url: string;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  workspace: string;
  logFile: string;
  userDataDir: string;
  extensionsDir: string;
  pid: number;
  /** Kills code-server's whole process group and removes its temp folders. */
  stop(): Promise<void>;
}

export declare function startCodeServer(opts: StartCodeServerOptions): Promise<CodeServer>;
export declare function installUnpacked(extensionPath: string, extensionsDir: string, link?: boolean): string;
export declare function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): string;
export declare function freePort(): Promise<number>;
