/**
 * SpanDetailsView + UiState → element tree. Pure: no DOM, no globals, so it is unit-tested
 * as data. Buttons carry `data-action` / `data-arg`; main.ts handles clicks by delegation.
 */
import { errorText } from '../model/errors';
import { formatCount, formatUsd } from '../model/format';
import { conversationBody } from './conversation';
import type { AttributeRow, IoBlock, SpanDetailsView, UsageView } from './protocol';
import type { SectionId, UiState } from './state';
import { h, type Child, type VElement, type VNode } from './vdom';

export type Action = 'toggle-section' | 'toggle-value' | 'copy' | 'open-source' | 'find-similar' | 'load-turn' | 'open-timeline';

export interface RenderResult {
  root: VElement;
  /** Texts the Copy buttons copy, indexed by their `data-arg`. */
  copies: string[];
}

export const EMPTY_MESSAGE = 'Select a span in the Spanlens view';

/** Labels e2e tests and screen readers rely on. */
export const SECTION_TITLES: Record<SectionId, string> = {
  error: 'Error',
  conversation: 'Conversation',
  io: 'Input / Output',
  usage: 'Tokens & Cost',
  attributes: 'Attributes',
  events: 'Events',
};

export function renderEmpty(message: string = EMPTY_MESSAGE): RenderResult {
  return {
    root: h('div', { class: 'empty', 'data-testid': 'span-details-empty', role: 'status' }, h('p', null, message)),
    copies: [],
  };
}

export function renderDetails(view: SpanDetailsView, ui: UiState): RenderResult {
  const copies: string[] = [];
  const ctx: Ctx = {
    ui,
    copy(text) {
      copies.push(text);
      return String(copies.length - 1);
    },
  };
  const root = h(
    'div',
    { class: 'details', 'data-testid': 'span-details', 'data-span-id': view.span.id },
    renderHeader(view),
    view.error && section(ctx, 'error', errorBody(ctx, view)),
    // Tokens alone (a Flujo step's budget) are the Tokens & Cost section's; a conversation needs more.
    view.conversation &&
      (view.conversation.turns.length > 0 || view.conversation.tools.length > 0 || view.conversation.model !== undefined) &&
      section(ctx, 'conversation', conversationBody(ctx, view.conversation), view.conversation.turns.length),
    view.io.length > 0 && section(ctx, 'io', ioBody(ctx, view.io), view.io.length),
    view.usage && section(ctx, 'usage', usageBody(view.usage)),
    section(ctx, 'attributes', attributesBody(ctx, view.attributes, 'attr'), view.attributes.length),
    section(ctx, 'events', eventsBody(ctx, view), view.events.length),
  );
  return { root, copies };
}

export interface Ctx {
  ui: UiState;
  /** Registers a text for a Copy button; returns its `data-arg`. */
  copy(text: string): string;
}

// ---- header ----

function renderHeader(view: SpanDetailsView): VElement {
  const { span, run, store, source } = view;
  const statusTitle = span.rawStatus && span.rawStatus !== span.status ? `Status: ${span.status} (store says "${span.rawStatus}")` : `Status: ${span.status}`;
  const sourceTitle = !source
    ? 'No source location recorded for this span'
    : source.available
      ? `Open ${source.label}`
      : (source.reason ?? 'The file is not in this workspace');
  return h(
    'header',
    { class: 'header' },
    h(
      'div',
      { class: 'title-row' },
      h('span', { class: `badge status-${span.status}`, 'data-testid': 'status-badge', title: statusTitle }, span.status),
      h('h1', { class: 'span-name', 'data-testid': 'span-name' }, span.name),
    ),
    h(
      'dl',
      { class: 'meta' },
      meta('Duration', span.durationText, 'duration'),
      meta('Start', `${span.offsetText} from run start`, 'offset'),
      meta('Run', [run.name, ' ', h('small', { class: 'muted' }, run.id)], 'run'),
      meta('Store', h('span', { title: store.id }, store.label), 'store'),
      meta('Span ID', h('code', null, span.id), 'span-id'),
      source && meta('Source', [source.label, source.guess ? h('small', { class: 'muted' }, ' (guessed from the name)') : null], 'source'),
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          'data-action': 'open-source',
          'data-testid': 'go-to-source',
          disabled: !source?.available,
          title: sourceTitle,
        },
        'Go to Source',
      ),
      // A failed span: failures like it, in every loaded store (the host shows a QuickPick).
      span.status === 'error' || view.error
        ? h(
            'button',
            {
              type: 'button',
              'data-action': 'find-similar',
              'data-testid': 'find-similar',
              title: 'Failures like this one in all loaded stores (ids, numbers and paths ignored)',
            },
            'Find Similar Failures',
          )
        : null,
      h(
        'button',
        { type: 'button', 'data-action': 'open-timeline', 'data-testid': 'open-timeline', title: "The run's Trace Timeline, with this span selected" },
        'Open Timeline',
      ),
    ),
  );
}

export function meta(label: string, value: Child, testid: string): VNode[] {
  return [h('dt', null, label), h('dd', { 'data-testid': testid }, value)];
}

// ---- sections ----

export function section(ctx: Ctx, id: SectionId, body: VNode | VNode[], count?: number): VElement {
  const folded = ctx.ui.folded[id] === true;
  const title = SECTION_TITLES[id];
  return h(
    'section',
    { class: `section section-${id}`, 'data-testid': `section-${id}`, 'aria-labelledby': `heading-${id}` },
    h(
      'h2',
      { id: `heading-${id}`, class: 'section-heading' },
      h(
        'button',
        {
          type: 'button',
          class: 'section-toggle',
          'aria-expanded': String(!folded),
          'aria-controls': `body-${id}`,
          'data-action': 'toggle-section',
          'data-arg': id,
        },
        // The chevron is drawn by CSS and hidden from the accessible name ("Attributes (3)").
        h('span', { class: 'chevron', 'aria-hidden': 'true' }),
        title,
        count !== undefined ? h('span', { class: 'count' }, ` (${count})`) : null,
      ),
    ),
    h('div', { class: 'section-body', id: `body-${id}`, hidden: folded }, body),
  );
}

export function copyButton(ctx: Ctx, text: string, label: string, visible = 'Copy'): VElement {
  return h(
    'button',
    { type: 'button', class: 'copy', 'data-action': 'copy', 'data-arg': ctx.copy(text), 'aria-label': label, title: label },
    visible,
  );
}

function errorBody(ctx: Ctx, view: SpanDetailsView): VNode[] {
  const e = view.error!;
  const all = [errorText(e), e.stack].filter(Boolean).join('\n\n');
  return [
    e.type ? h('p', { class: 'error-type', 'data-testid': 'error-type' }, h('strong', null, e.type)) : null,
    h('pre', { class: 'error-message wrap', 'data-testid': 'error-message' }, e.message),
    e.stack ? h('h3', null, 'Stack trace') : null,
    e.stack ? h('pre', { class: 'stack wrap', 'data-testid': 'error-stack' }, e.stack) : null,
    h(
      'div',
      { class: 'row-buttons' },
      copyButton(ctx, all, 'Copy error', 'Copy error'),
      h('small', { class: 'muted' }, ` from ${e.origin}`),
    ),
  ].filter((n): n is VElement => n !== null);
}

function ioBody(ctx: Ctx, blocks: IoBlock[]): VNode[] {
  return blocks.map((b, i) => {
    const id = `io:${i}`;
    const expanded = ctx.ui.expanded[id] === true;
    const label = b.kind === 'input' ? 'Input' : 'Output';
    const shown = b.truncated && !expanded ? b.preview : b.text;
    return h(
      'div',
      { class: `io-block io-${b.kind}`, 'data-testid': `io-${b.kind}`, 'data-source': b.source },
      h(
        'div',
        { class: 'block-head' },
        h('h3', null, label),
        h('small', { class: 'muted source-key' }, b.source),
        copyButton(ctx, b.text, `Copy ${label.toLowerCase()} (${b.source})`),
      ),
      h('pre', { class: 'payload wrap' }, shown, b.truncated && !expanded ? h('span', { class: 'ellipsis', 'aria-hidden': 'true' }, '…') : null),
      b.truncated
        ? h(
            'button',
            { type: 'button', class: 'link', 'data-action': 'toggle-value', 'data-arg': id, 'aria-expanded': String(expanded) },
            expanded ? 'Show less' : `Show all (${formatCount(b.text.length)} characters)`,
          )
        : null,
      b.capped && (expanded || !b.truncated)
        ? h('p', { class: 'muted' }, `Showing the first ${formatCount(b.text.length)} of ${formatCount(b.length)} characters.`)
        : null,
    );
  });
}

function usageBody(u: UsageView): VNode[] {
  const rows: VNode[][] = [];
  if (u.inputTokens !== undefined) rows.push(meta('Input tokens', formatCount(u.inputTokens), 'tokens-input'));
  if (u.outputTokens !== undefined) rows.push(meta('Output tokens', formatCount(u.outputTokens), 'tokens-output'));
  if (u.totalTokens !== undefined) rows.push(meta('Total tokens', formatCount(u.totalTokens), 'tokens-total'));
  if (u.costUsd !== undefined) rows.push(meta('Cost', formatUsd(u.costUsd), 'cost'));
  return [
    h('dl', { class: 'meta usage' }, rows),
    u.sources.length > 0 ? h('p', { class: 'muted small' }, `From ${u.sources.join(', ')}`) : null,
  ].filter((n): n is VElement => n !== null);
}

function attributesBody(ctx: Ctx, rows: AttributeRow[], idPrefix: string): VNode {
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No attributes recorded.');
  return h(
    'table',
    { class: 'kv', 'data-testid': idPrefix === 'attr' ? 'attributes-table' : null },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Key'),
        h('th', { scope: 'col' }, 'Value'),
        h('th', { scope: 'col', class: 'actions-col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) => {
        const id = `${idPrefix}:${r.key}`;
        const expanded = ctx.ui.expanded[id] === true;
        return h(
          'tr',
          { 'data-key': r.key },
          h('th', { scope: 'row', class: 'key' }, h('code', null, r.key)),
          h(
            'td',
            { class: 'value' },
            h('pre', { class: 'value-text wrap' }, r.long && !expanded ? r.preview : r.value),
            r.long
              ? h(
                  'button',
                  { type: 'button', class: 'link', 'data-action': 'toggle-value', 'data-arg': id, 'aria-expanded': String(expanded) },
                  expanded ? 'less' : 'more',
                )
              : null,
          ),
          h('td', { class: 'row-actions' }, copyButton(ctx, r.value, `Copy value of ${r.key}`)),
        );
      }),
    ),
  );
}

function eventsBody(ctx: Ctx, view: SpanDetailsView): VNode {
  if (view.events.length === 0) return h('p', { class: 'muted' }, 'No events recorded.');
  return h(
    'ol',
    { class: 'events', 'data-testid': 'events-list' },
    view.events.map((e, i) =>
      h(
        'li',
        { class: 'event' },
        h(
          'div',
          { class: 'event-head' },
          h('span', { class: 'offset muted' }, e.offsetText || '—'),
          ' ',
          h('strong', { class: 'event-name' }, e.name),
        ),
        e.attributes.length > 0 ? attributesBody(ctx, e.attributes, `event${i}`) : null,
      ),
    ),
  );
}

