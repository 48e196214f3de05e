import { main, type CliIO } from '../../../src/cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** main() in-process with captured streams. */
export async function runCli(argv: string[], io: Partial<CliIO> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    ...io,
  });
  return { code, stdout, stderr };
}

/** The user-error contract: exit 2, nothing on stdout, exactly one line on stderr, no stack. */
export function expectUserError(r: CliResult): string {
  if (r.code !== 2 || r.stdout !== '' || r.stderr.split('\n').length !== 2 || /\n\s+at /.test(r.stderr)) {
    throw new Error(`expected exit 2 with one stderr line, got exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r.stderr.trimEnd();
}
