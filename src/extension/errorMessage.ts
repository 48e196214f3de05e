/** One line for the UI from anything thrown (the stack goes to the log). No 'vscode': the stores' core uses it too. */
export function errorMessage(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
}
