import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLlmFiles, type LlmManifest } from './helpers';
import { runCli } from '../cli/run-cli';

let fx: ReturnType<typeof makeLlmFiles>;
let m: LlmManifest;
let runId: string;

beforeAll(async () => {
  fx = makeLlmFiles();
  m = fx.m;
  const r = await runCli(['list', m.files.openllmetry, '--json']);
  runId = (JSON.parse(r.stdout) as Array<{ id: string }>)[0]!.id;
});
afterAll(() => fx?.cleanup());

describe('spanlens show: LLM calls', () => {
  it('prints each call as a conversation with the run totals', async () => {
    const r = await runCli(['show', m.files.openllmetry, runId]);
    expect(r.code).toBe(0);
    const talk = r.stdout.slice(r.stdout.indexOf('LLM calls:'));
    expect(talk).toMatch(/^LLM calls: 2 LLM calls · 205 tok\n/);
    expect(talk).toContain('gpt-4o-mini-2024-07-18 · 88 tok · openai · in 71 · out 17 · finish tool_call');
    expect(talk).toContain(`    [system]\n      ${m.system}\n    [user]\n      ${m.question}\n`);
    expect(talk).toContain('      → get_weather (call_weather_1)\n        {"city":"Paris","unit":"celsius"}');
    expect(talk).toContain(`    [tool call_weather_1]\n      ${m.toolResult}`);
    expect(talk).toContain('      It is **18 °C** and cloudy in Paris.\n\n      - take a light jacket');
  });

  it('--json carries llm on the spans', async () => {
    const r = await runCli(['show', m.files.openllmetry, runId, '--json']);
    const spans = (JSON.parse(r.stdout) as { spans: Array<{ name: string; llm?: { model: string; output: unknown[] } }> }).spans;
    const calls = spans.filter((s) => s.llm);
    expect(calls).toHaveLength(2);
    expect(calls.every((s) => s.llm!.model === 'gpt-4o-mini-2024-07-18')).toBe(true);
  });

  it('SPANLENS_HIDE_CONTENT=1 prints roles and tokens, no text, in show and search', async () => {
    const env = { SPANLENS_HIDE_CONTENT: '1' };
    const r = await runCli(['show', m.files.openllmetry, runId, '--json'], { env });
    expect(r.stdout).not.toContain('Paris');
    const text = await runCli(['show', m.files.openllmetry, runId], { env });
    expect(text.stdout).toContain('(content hidden: SPANLENS_HIDE_CONTENT)');
    expect(text.stdout).toContain('[tool call_weather_1]');
    expect(text.stdout).not.toContain('Paris');
    const s = await runCli(['search', m.files.openllmetry, 'Paris'], { env });
    expect(s.stdout).toMatch(/^no runs or spans match/);
  });

  it('search finds completion text and filters on llm tokens', async () => {
    const r = await runCli(['search', m.files.openinference, '"light jacket"', '--json']);
    expect((JSON.parse(r.stdout) as { totalSpans: number }).totalSpans).toBe(1);
    const t = await runCli(['search', m.files.openinference, 'attr.llm.total_tokens>100', '--json']);
    expect((JSON.parse(t.stdout) as { totalSpans: number }).totalSpans).toBe(1);
  });
});
