/**
 * Stable TreeItem ids. VS Code keeps a node's expanded/selected state across
 * refreshes by id, so an id depends only on what the node *is* (store path, run id,
 * span id), never on its position, status or the page it was loaded in.
 *
 *   store|<storePath>
 *   run|<storePath>|<runId>
 *   span|<storePath>|<runId>|<spanId>
 *   more|<storePath>                       the "Load more…" item
 *   msg|<storePath>|<kind>                 loading / error / too-large / empty items
 *
 * Parts are percent-encoded where they contain '|' or '%', so ids never collide.
 * Pure: no 'vscode' import.
 */

function part(s: string): string {
  return s.replace(/[%|]/g, (c) => (c === '%' ? '%25' : '%7C'));
}

export function storeNodeId(store: string): string {
  return `store|${part(store)}`;
}

export function runNodeId(store: string, runId: string): string {
  return `run|${part(store)}|${part(runId)}`;
}

export function spanNodeId(store: string, runId: string, spanId: string): string {
  return `span|${part(store)}|${part(runId)}|${part(spanId)}`;
}

export function loadMoreNodeId(store: string): string {
  return `more|${part(store)}`;
}

export function messageNodeId(store: string, kind: string): string {
  return `msg|${part(store)}|${part(kind)}`;
}

/**
 * Makes ids unique within one refresh: a store with duplicate span or run ids
 * (corrupt data) must not make VS Code reject the whole tree. The first keeps its
 * id, later ones get "#2", "#3"… in order, which is stable for the same data.
 */
export class IdDeduper {
  private readonly seen = new Map<string, number>();

  take(id: string): string {
    const n = (this.seen.get(id) ?? 0) + 1;
    this.seen.set(id, n);
    return n === 1 ? id : `${id}#${n}`;
  }
}
