import * as fs from 'fs';
import * as path from 'path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

export type { SqlJsStatic };

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Where sql-wasm.wasm lives: beside the bundle (esbuild copies it into dist/),
 * else in node_modules (vitest runs the sources unbundled).
 */
function locateWasm(): string {
  const tried: string[] = [];
  if (typeof __dirname === 'string') {
    const beside = path.join(__dirname, 'sql-wasm.wasm');
    if (fs.existsSync(beside)) return beside;
    tried.push(beside);
  }
  try {
    return require.resolve('sql.js/dist/sql-wasm.wasm');
  } catch {
    tried.push('sql.js/dist/sql-wasm.wasm (node_modules)');
  }
  throw new Error(`sql-wasm.wasm not found (looked in ${tried.join(', ')}) — reinstall or rebuild spanlens`);
}

/** Starts sql.js once per process; every caller shares the same module instance. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!loading) {
    loading = (async () => {
      // Handing over the bytes ourselves keeps emscripten from trying fetch() or its own path guess.
      const bytes = await fs.promises.readFile(locateWasm());
      const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return initSqlJs({ wasmBinary });
    })();
    // A failed start (missing wasm) should not poison later attempts after the user fixes it.
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
