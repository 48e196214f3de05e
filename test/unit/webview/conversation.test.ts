import { describe, expect, it } from 'vitest';
import { buildSpanDetailsView } from '../../../src/extension/details/viewModel';
import { extractLlm } from '../../../src/enrich/llm';
import { parseMarkdown, renderMarkdown } from '../../../src/webview/markdown';
import { isHostMessage, isPageMessage } from '../../../src/webview/protocol';
import { renderDetails } from '../../../src/webview/render';
import { initialState, toggleValue } from '../../../src/webview/state';
import { find, findAll, textContent, type VElement } from '../../../src/webview/vdom';
import type { Span } from '../../../src/model/types';
import { makeRun, makeSpan } from './helpers';

const byTestId = (id: string) => (el: VElement) => el.attrs['data-testid'] === id;

function llmSpan(attributes: Span['attributes']): Span {
  const s = makeSpan({ attributes });
  return { ...s, llm: extractLlm(s)! };
}

const chat = llmSpan({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.response.model': 'gpt-4o-mini',
  'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]',
  'gen_ai.input.messages': JSON.stringify([
    { role: 'user', parts: [{ type: 'text', content: 'Weather <script>alert(1)</script> in Paris?' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius', days: [1, 2, 3, 4, 5, 6, 7] } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { temp: 18 } }] },
  ]),
  'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: '# Forecast\n\nIt is **18 °C**.\n\n- jacket\n- `umbrella`\n\n```json\n{"a":1}\n```' }] }]),
  'gen_ai.usage.input_tokens': 1200,
  'gen_ai.usage.output_tokens': 30,
  'gen_ai.usage.cache_read.input_tokens': 1000,
  'gen_ai.usage.cost': 0.0042,
});

function view(span: Span, previewLength = 500, hide = false) {
  return buildSpanDetailsView({ storeId: '/p/x.otlp.jsonl', run: makeRun(), span, promptPreviewLength: previewLength, hideLlmContent: hide });
}

describe('Span Details: Conversation', () => {
  it('shows system, user, assistant (tool call), tool and assistant turns, usage and cost', () => {
    const v = view(chat);
    expect(v.io).toEqual([]); // the conversation replaces the input/output blocks
    const { root } = renderDetails(v, initialState());
    const section = find(root, byTestId('section-conversation'))!;
    expect(textContent(find(section, (e) => e.tag === 'h2')!)).toBe('Conversation (5)');
    const turns = findAll(section, byTestId('llm-turn'));
    expect(turns.map((t) => t.attrs['data-role'])).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(textContent(turns[1]!)).toContain('Weather <script>alert(1)</script> in Paris?'); // text, never markup
    const call = find(turns[2]!, byTestId('llm-tool-call'))!;
    expect(call.attrs['data-tool']).toBe('get_weather');
    expect(textContent(find(call, byTestId('llm-tool-arguments'))!)).toContain('…'); // long JSON folded
    expect(textContent(turns[3]!)).toContain('answers c1');
    expect(textContent(find(section, byTestId('llm-model'))!)).toBe('gpt-4o-mini');
    expect(textContent(find(section, byTestId('llm-tokens-total'))!)).toBe('1,230');
    expect(textContent(find(section, byTestId('llm-tokens-cache-read'))!)).toBe('1,000');
    expect(textContent(find(section, byTestId('llm-cost'))!)).toBe('$0.0042');
  });

  it('unfolds tool arguments pretty-printed', () => {
    const v = view(chat);
    const { root } = renderDetails(v, toggleValue(initialState(), 'turn:2:tool:0'));
    const args = textContent(find(root, byTestId('llm-tool-arguments'))!);
    expect(JSON.parse(args)).toEqual({ city: 'Paris', unit: 'celsius', days: [1, 2, 3, 4, 5, 6, 7] });
    expect(args).toContain('\n  "city": "Paris"');
  });

  it('renders markdown as structure: heading, bold, list, inline code, code block', () => {
    const { root } = renderDetails(view(chat), initialState());
    const last = findAll(root, byTestId('llm-turn'))[4]!;
    expect(find(last, (e) => e.attrs['class'] === 'md-h md-h1')).toBeDefined();
    expect(textContent(find(last, (e) => e.tag === 'strong' && textContent(e) === '18 °C')!)).toBe('18 °C');
    expect(findAll(find(last, (e) => e.tag === 'ul')!, (e) => e.tag === 'li').map(textContent)).toEqual(['jacket', 'umbrella']);
    expect(textContent(find(last, (e) => e.attrs['class'] === 'md-code wrap')!)).toBe('{"a":1}');
  });

  it('folds a long message behind Show all', () => {
    const long = llmSpan({ 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'y'.repeat(3000) }] }]) });
    const v = view(long, 100);
    const t = v.conversation!.turns[0]!;
    expect([t.truncated, t.preview.length, t.length]).toEqual([true, 100, 3000]);
    const folded = renderDetails(v, initialState()).root;
    expect(textContent(find(folded, byTestId('llm-turn-text'))!)).toHaveLength(101);
    expect(textContent(find(folded, (e) => e.attrs['data-arg'] === 'turn:0')!)).toBe('Show all (3,000 characters)');
    const open = renderDetails(v, toggleValue(initialState(), 'turn:0')).root;
    expect(textContent(find(open, byTestId('llm-turn-text'))!)).toHaveLength(3000);
  });

  it('hides content when the setting says so: roles, tool names and tokens stay', () => {
    const v = view(chat, 500, true);
    const { root } = renderDetails(v, initialState());
    const all = textContent(root);
    expect(all).not.toContain('Paris');
    expect(all).not.toContain('Be brief');
    expect(find(root, byTestId('llm-content-hidden'))).toBeDefined();
    expect(findAll(root, byTestId('llm-turn')).map((t) => t.attrs['data-role'])).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(find(root, byTestId('llm-tool-call'))!.attrs['data-tool']).toBe('get_weather');
    expect(textContent(find(root, byTestId('llm-tokens-input'))!)).toBe('1,200');
  });
});

describe('markdown', () => {
  it('keeps HTML as text and never backtracks on odd input', () => {
    expect(textContent(renderMarkdown('<b>x</b> **y'))).toBe('<b>x</b> **y');
    const odd = '*'.repeat(50_000) + '`'.repeat(50_000) + '#'.repeat(50_000);
    expect(parseMarkdown(odd)).toHaveLength(1);
    expect(textContent(renderMarkdown(odd))).toBe(odd);
    expect(parseMarkdown('1. a\n2. b\n\n> q\n> r')).toEqual([
      { kind: 'list', ordered: true, items: ['a', 'b'] },
      { kind: 'quote', text: 'q\nr' },
    ]);
  });
});

describe('long turns load on demand', () => {
  const big = 'z'.repeat(50_000);
  const span = llmSpan({
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: big }] },
      { role: 'user', parts: [{ type: 'text', content: 'short' }] },
    ]),
  });

  it('a turn over the inline size is sent as its preview; Show all asks the host', async () => {
    const { turnText } = await import('../../../src/extension/details/conversation');
    const v = view(span, 100);
    const [long, short] = v.conversation!.turns;
    expect(long).toMatchObject({ complete: false, truncated: true, length: 50_000 });
    expect(long!.text).toHaveLength(100);
    expect(short).toMatchObject({ complete: true, text: 'short' });
    const { root } = renderDetails(v, initialState());
    const button = find(root, (e) => e.attrs['data-action'] === 'load-turn')!;
    expect([button.attrs['data-arg'], textContent(button)]).toEqual(['0', 'Show all (50,000 characters)']);
    // Unfolded while the text is on its way: the preview and a disabled "Loading…".
    const waiting = renderDetails(v, toggleValue(initialState(), 'turn:0')).root;
    expect(textContent(find(waiting, (e) => e.tag === 'button' && textContent(e) === 'Loading…')!)).toBe('Loading…');
    expect(turnText(span.llm!, 0)).toBe(big);
    expect(turnText(span.llm!, 7)).toBeUndefined();
    // The page puts the text in and shows it whole.
    long!.text = big;
    long!.complete = true;
    const loaded = renderDetails(v, toggleValue(initialState(), 'turn:0')).root;
    expect(textContent(findAll(loaded, byTestId('llm-turn-text'))[0]!)).toHaveLength(50_000);
  });

  it('the whole conversation sends at most INLINE_TOTAL_CHARS of text', async () => {
    const { INLINE_TOTAL_CHARS, INLINE_TURN_CHARS } = await import('../../../src/extension/details/conversation');
    const n = Math.ceil(INLINE_TOTAL_CHARS / INLINE_TURN_CHARS) + 5;
    const many = llmSpan({
      'gen_ai.input.messages': JSON.stringify(Array.from({ length: n }, () => ({ role: 'user', parts: [{ type: 'text', content: 'w'.repeat(INLINE_TURN_CHARS) }] }))),
    });
    const turns = view(many, 100).conversation!.turns;
    const sent = turns.reduce((a, t) => a + t.text.length, 0);
    expect(sent).toBeLessThanOrEqual(INLINE_TOTAL_CHARS + n * 100);
    expect(turns.filter((t) => !t.complete).length).toBeGreaterThan(0);
  });
});

describe('conversation turn messages', () => {
  it('loadTurn and turnText are checked', () => {
    expect(isPageMessage({ type: 'loadTurn', spanId: 's', index: 2 })).toBe(true);
    expect(isPageMessage({ type: 'loadTurn', spanId: 's', index: -1 })).toBe(false);
    expect(isPageMessage({ type: 'loadTurn', spanId: 's', index: '2' })).toBe(false);
    expect(isHostMessage({ type: 'turnText', spanId: 's', index: 0, text: 'x' })).toBe(true);
    expect(isHostMessage({ type: 'turnText', spanId: 's', index: 0 })).toBe(false);
  });
});
