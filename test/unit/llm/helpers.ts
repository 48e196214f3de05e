import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What test/fixtures/llm_write.mjs writes to manifest.json. */
export interface LlmManifest {
  files: Record<'openllmetry' | 'openllmetry-0.22' | 'openinference' | 'otel-genai' | 'long', string>;
  system: string;
  question: string;
  toolArgs: string;
  toolResult: string;
  answer: string;
}

const SCRIPT = path.resolve(__dirname, '../../fixtures/llm_write.mjs');

/** OTLP files of one tool-calling conversation, recorded by three real instrumentation libraries. */
export function makeLlmFiles(): { dir: string; m: LlmManifest; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-llm-'));
  execFileSync(process.execPath, [SCRIPT, dir], { stdio: 'pipe' });
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as LlmManifest;
  return { dir, m, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
