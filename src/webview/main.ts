/**
 * The Span Details page (runs in the webview, bundled to dist/webview.js).
 * It renders what the host sends, keeps fold state with getState/setState,
 * and turns button clicks into typed messages. It never parses HTML.
 */
import { isHostMessage, type HostMessage, type PageMessage, type SpanDetailsView } from './protocol';
import { EMPTY_MESSAGE, renderDetails, renderEmpty, type Action } from './render';
import { forSpan, loadState, toggleSection, toggleValue, type UiState } from './state';
import { toDom } from './vdom';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: UiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') ?? document.body;

let ui: UiState = loadState(vscode.getState());
let view: SpanDetailsView | undefined;
let emptyMessage = EMPTY_MESSAGE;
let copies: string[] = [];

function post(message: PageMessage): void {
  vscode.postMessage(message);
}

function paint(): void {
  const result = view ? renderDetails(view, ui) : renderEmpty(emptyMessage);
  copies = result.copies;
  root.replaceChildren(toDom(document, result.root));
}

function onHostMessage(message: HostMessage): void {
  if (message.type === 'show') {
    const changed = view?.span.id !== message.data.span.id;
    view = message.data;
    ui = forSpan(ui, view.span.id);
    vscode.setState(ui);
    // A long turn the reader had unfolded comes again as a preview: ask for its text again.
    view.conversation?.turns.forEach((t, i) => {
      if (!t.complete && ui.expanded[`turn:${i}`]) post({ type: 'loadTurn', spanId: message.data.span.id, index: i });
    });
    const y = window.scrollY;
    paint();
    // A new span starts at the top; a refresh of the same span keeps the reader's place.
    window.scrollTo(0, changed ? 0 : y);
  } else if (message.type === 'turnText') {
    // The rest of a long turn, asked for by its Show all: shown unfolded where the reader is.
    const turn = view?.span.id === message.spanId ? view.conversation?.turns[message.index] : undefined;
    if (!turn) return;
    turn.text = message.text;
    turn.complete = true;
    repaintKeepingPlace('toggle-value', `turn:${message.index}`);
  } else {
    view = undefined;
    emptyMessage = message.message ?? EMPTY_MESSAGE;
    paint();
  }
}

/** Re-renders after a toggle, keeping the scroll position and the focus on the same button. */
function repaintKeepingPlace(action: string, arg: string): void {
  const y = window.scrollY;
  paint();
  window.scrollTo(0, y);
  for (const b of Array.from(root.querySelectorAll<HTMLButtonElement>('button[data-action]'))) {
    if (b.dataset.action === action && b.dataset.arg === arg) {
      b.focus();
      break;
    }
  }
}

function onAction(action: Action, arg: string): void {
  switch (action) {
    case 'toggle-section':
      ui = toggleSection(ui, arg);
      break;
    case 'toggle-value':
      ui = toggleValue(ui, arg);
      break;
    case 'copy': {
      const text = copies[Number(arg)];
      if (text !== undefined) post({ type: 'copy', text });
      return;
    }
    case 'open-source':
      if (view) post({ type: 'openSource', spanId: view.span.id });
      return;
    case 'find-similar':
      if (view) post({ type: 'findSimilar', spanId: view.span.id });
      return;
    case 'load-turn':
      // Unfolded now; its text arrives as a 'turnText' message.
      if (view) post({ type: 'loadTurn', spanId: view.span.id, index: Number(arg) });
      ui = toggleValue(ui, `turn:${arg}`);
      break;
    case 'open-timeline':
      if (view) post({ type: 'openTimeline', spanId: view.span.id });
      return;
  }
  vscode.setState(ui);
  repaintKeepingPlace(action, arg);
}

const ACTIONS: ReadonlySet<string> = new Set<Action>(['toggle-section', 'toggle-value', 'copy', 'open-source', 'find-similar', 'load-turn', 'open-timeline']);

root.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
  if (!(target instanceof HTMLButtonElement) || target.disabled) return;
  const action = target.dataset.action ?? '';
  if (!ACTIONS.has(action)) return;
  onAction(action as Action, target.dataset.arg ?? '');
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) onHostMessage(event.data);
});

paint();
post({ type: 'ready' });
