/**
 * Flujo's own trace contract (flujo/agents/wrapper.py, flujo/tracing/manager.py): an agent step
 * records the events `agent.system` {model_id, system_prompt_preview, system_prompt_full?},
 * `agent.input` {input_preview, input_full?}, `agent.response` {response_preview,
 * response_full?} and `agent.usage` {input_tokens, output_tokens, cost_usd} once per attempt;
 * the step span carries `flujo.budget.actual_tokens` / `actual_cost_usd` (0 for steps that
 * called no model) and `aros.model_id`. A conversation processor adds `agent.prompt`
 * {rendered_history}: the history it put into the prompt, read when there is no `agent.input`. The `_full` texts exist only with Flujo's debug prompts.
 */
import type { LlmMessage } from '../../model/llm';
import type { Attributes, SpanEvent } from '../../model/types';
import type { Draft } from './draft';
import { message } from './messages';
import { MAX_MESSAGES, contentText, num, str } from './values';

function eventText(a: Attributes, full: string, preview: string): string | undefined {
  const v = a[full] ?? a[preview];
  if (v === undefined || v === null) return undefined;
  return contentText(v);
}

export function readFlujo(d: Draft, attrs: Attributes, events: readonly SpanEvent[], stepHistory = false): void {
  const input: LlmMessage[] = [];
  const output: LlmMessage[] = [];
  let system: string | undefined;
  let model: string | undefined;
  let inTok: number | undefined;
  let outTok: number | undefined;
  let cost: number | undefined;
  let agent = false;
  let history: string | undefined;
  for (const e of events) {
    if (!e.name.startsWith('agent.')) continue;
    const a = e.attributes;
    model = str(a['model_id']) ?? model;
    if (input.length + output.length >= MAX_MESSAGES) continue;
    switch (e.name) {
      case 'agent.system':
        agent = true;
        system = eventText(a, 'system_prompt_full', 'system_prompt_preview') ?? system;
        break;
      case 'agent.input': {
        agent = true;
        const t = eventText(a, 'input_full', 'input_preview');
        if (t !== undefined) input.push(message('user', t));
        break;
      }
      case 'agent.response': {
        agent = true;
        const t = eventText(a, 'response_full', 'response_preview');
        if (t !== undefined) output.push(message('assistant', t));
        break;
      }
      case 'agent.prompt':
        agent = true;
        history = eventText(a, 'rendered_history', 'rendered_history') ?? history;
        break;
      case 'agent.usage': {
        // One per attempt: every attempt was paid for.
        agent = true;
        const i = num(a['input_tokens']);
        const o = num(a['output_tokens']);
        const c = num(a['cost_usd']);
        if (i !== undefined) inTok = (inTok ?? 0) + i;
        if (o !== undefined) outTok = (outTok ?? 0) + o;
        if (c !== undefined) cost = (cost ?? 0) + c;
        break;
      }
    }
  }
  // A step-history row (no span) records StepResult's token_counts and cost_usd instead.
  const budgetTokens = num(attrs['flujo.budget.actual_tokens']) ?? (stepHistory ? num(attrs['token_counts']) : undefined);
  const budgetCost = num(attrs['flujo.budget.actual_cost_usd']) ?? (stepHistory ? num(attrs['cost_usd']) : undefined);
  model ??= str(attrs['aros.model_id']);
  // Every step carries the budget keys; a step that called no model records 0.
  const spent = (budgetTokens ?? 0) > 0 || (budgetCost ?? 0) > 0;
  if (!agent && !spent && model === undefined) return;
  if (d.input.length === 0) {
    // Not step_input: a step's input is not always what its agent was prompted with.
    if (input.length === 0 && history !== undefined) input.push(message('user', history));
    d.input = input;
  }
  if (d.output.length === 0) d.output = output;
  d.system ??= system;
  d.model ??= model;
  d.provider ??= model !== undefined && model.includes(':') ? model.slice(0, model.indexOf(':')) : undefined;
  d.usage.inputTokens ??= inTok;
  d.usage.outputTokens ??= outTok;
  if (budgetTokens !== undefined && budgetTokens > 0) d.usage.totalTokens ??= budgetTokens;
  if (budgetCost !== undefined && budgetCost > 0) d.costUsd ??= budgetCost;
  d.costUsd ??= cost;
}
