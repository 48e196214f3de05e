import type { OptionSpec, OptionValues } from '../args';
import type { TraceStore } from '../../sources/types';

export interface VerbContext {
  /** Positionals after the verb: `<store>` first. */
  positionals: string[];
  values: OptionValues;
  json: boolean;
  now: number;
  /** Opens the store named on the command line; main closes it afterwards. */
  open(target: string): Promise<TraceStore>;
  out(text: string): void;
  /** stderr: progress and notes that are not the verb's output. */
  err(text: string): void;
  /** Aborted when the user stops the command (Ctrl+C): long-running verbs (receive) end cleanly. */
  signal: AbortSignal;
}

export interface Verb {
  name: string;
  /** Positional names, `store` first: checked before anything is opened. */
  args: string[];
  options: OptionSpec;
  summary: string;
  help: string;
  run(ctx: VerbContext): Promise<void>;
}

// The JSON the CLI prints is the model's JSON: Export Run in the extension writes the same bytes.
export { toJson, treeToJson } from '../../model/json';
