/**
 * The Conversation section of Span Details: an LLM call's turns (system, user, assistant, tool),
 * markdown as text structure, tool calls with their JSON arguments folded when long, long
 * messages folded behind "Show all", and the call's model, usage and cost.
 */
import { renderMarkdown } from './markdown';
import type { ConversationView, ToolCallView, TurnView } from './protocol';
import { formatCount } from '../model/format';
import { copyButton, meta, type Ctx } from './render';
import { h, type VElement, type VNode } from './vdom';

function toolCall(ctx: Ctx, t: ToolCallView, id: string, executed: boolean): VElement {
  const expanded = ctx.ui.expanded[id] === true;
  const folded = t.long && !expanded;
  const block = (label: string, text: string | undefined, testid: string): VNode | null =>
    text === undefined
      ? null
      : h(
          'div',
          { class: 'tool-part' },
          h('small', { class: 'muted' }, label),
          h('pre', { class: `tool-json wrap${folded ? ' folded' : ''}`, 'data-testid': testid }, folded ? firstLines(text) : text),
        );
  return h(
    'div',
    { class: 'tool-call', 'data-testid': executed ? 'llm-tool' : 'llm-tool-call', 'data-tool': t.name },
    h(
      'div',
      { class: 'tool-head' },
      h('span', { class: 'tool-arrow', 'aria-hidden': 'true' }, executed ? '⚙' : '→'),
      ' ',
      h('code', { class: 'tool-name' }, t.name),
      t.id !== undefined ? h('small', { class: 'muted' }, ` ${t.id}`) : null,
      t.arguments !== undefined ? copyButton(ctx, t.arguments, `Copy arguments of ${t.name}`) : null,
    ),
    block('arguments', t.arguments, 'llm-tool-arguments'),
    block('result', t.result, 'llm-tool-result'),
    t.long
      ? h(
          'button',
          { type: 'button', class: 'link', 'data-action': 'toggle-value', 'data-arg': id, 'aria-expanded': String(expanded) },
          expanded ? 'less' : 'more',
        )
      : null,
  );
}

function firstLines(text: string): string {
  const lines = text.split('\n', 7);
  let s = lines.slice(0, 6).join('\n');
  if (s.length > 200) s = s.slice(0, 200);
  return `${s}…`;
}

function turn(ctx: Ctx, t: TurnView, i: number, hidden: boolean): VElement {
  const id = `turn:${i}`;
  const expanded = ctx.ui.expanded[id] === true;
  // Unfolded but not here yet: the preview stays until the host's 'turnText' arrives.
  const loading = expanded && !t.complete;
  const shown = t.truncated && (!expanded || loading) ? t.preview : t.text;
  const unfold = (): VElement => {
    if (!t.complete) {
      return h(
        'button',
        { type: 'button', class: 'link', 'data-action': loading ? null : 'load-turn', 'data-arg': String(i), disabled: loading, 'aria-expanded': 'false' },
        loading ? 'Loading…' : `Show all (${formatCount(t.length)} characters)`,
      );
    }
    return h(
      'button',
      { type: 'button', class: 'link', 'data-action': 'toggle-value', 'data-arg': id, 'aria-expanded': String(expanded) },
      expanded ? 'Show less' : `Show all (${formatCount(t.length)} characters)`,
    );
  };
  return h(
    'li',
    { class: `turn turn-${t.side} role-${cssWord(t.role)}`, 'data-testid': 'llm-turn', 'data-role': t.role },
    h(
      'div',
      { class: 'turn-head' },
      h('span', { class: 'role-badge' }, t.role),
      t.toolCallId !== undefined ? h('small', { class: 'muted' }, ` answers ${t.toolCallId}`) : null,
      t.text !== '' && t.complete ? copyButton(ctx, t.text, `Copy ${t.role} message`) : null,
    ),
    t.text !== ''
      ? h(
          'div',
          { class: 'turn-body', 'data-testid': 'llm-turn-text' },
          t.json && !(t.truncated && !expanded) ? h('pre', { class: 'tool-json wrap' }, shown) : renderMarkdown(shown),
          t.truncated && shown === t.preview ? h('span', { class: 'ellipsis', 'aria-hidden': 'true' }, '…') : null,
        )
      : hidden
        ? h('p', { class: 'muted small' }, '(content hidden)')
        : null,
    t.truncated ? unfold() : null,
    t.complete && t.length > t.text.length && (expanded || !t.truncated)
      ? h('p', { class: 'muted' }, `Showing the first ${formatCount(t.text.length)} of ${formatCount(t.length)} characters.`)
      : null,
    t.toolCalls.map((c, j) => toolCall(ctx, c, `${id}:tool:${j}`, false)),
  );
}

/** A role as a class name part: letters only (roles are the store's words). */
function cssWord(s: string): string {
  return s.toLowerCase().replace(/[^a-z]/g, '') || 'other';
}

export function conversationBody(ctx: Ctx, c: ConversationView): VNode[] {
  const facts: VNode[][] = [];
  if (c.model !== undefined) facts.push(meta('Model', h('code', null, c.model), 'llm-model'));
  if (c.provider !== undefined) facts.push(meta('Provider', c.provider, 'llm-provider'));
  if (c.operation !== undefined) facts.push(meta('Operation', c.operation, 'llm-operation'));
  for (const u of c.usage) facts.push(meta(u.label, u.value, u.testid));
  if (c.finishReasons.length > 0) facts.push(meta('Finish', c.finishReasons.join(', '), 'llm-finish'));
  return [
    facts.length > 0 ? h('dl', { class: 'meta llm-facts' }, facts) : null,
    c.contentHidden ? h('p', { class: 'muted small', 'data-testid': 'llm-content-hidden' }, 'Message content is hidden (setting spanlens.llm.hideContent).') : null,
    c.turns.length > 0 ? h('ol', { class: 'turns', 'data-testid': 'llm-turns' }, c.turns.map((t, i) => turn(ctx, t, i, c.contentHidden))) : null,
    c.turnsLeftOut > 0 ? h('p', { class: 'muted' }, `${formatCount(c.turnsLeftOut)} more messages not shown.`) : null,
    c.tools.length > 0 ? h('div', { class: 'tools' }, h('h3', null, 'Tool executed'), c.tools.map((t, j) => toolCall(ctx, t, `tool:${j}`, true))) : null,
  ].filter((n): n is VElement => n !== null);
}
