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
