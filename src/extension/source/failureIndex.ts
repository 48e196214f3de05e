/**
 * Which lines of the workspace failed, over every loaded store: what CodeLens, the Problems
 * panel and the gutter show. Built in the background and rebuilt (debounced) when a store is
 * re-read, a store is added or removed, or the workspace's files change; never on the way of
 * the editor. What is read of each store, and when, is storeFailures.ts's; here each failing
 * span is resolved to a workspace line (sourceResolver, cached), then grouped
 * (analysis/failures.ts aggregateFailures).
 */
import * as vscode from 'vscode';
import { aggregateFailures, failureSample, mergeNameRunStats, type FailureGroup, type FailureSample, type NameRunStats } from '../../analysis/failures';
import type { SourceRef, Span } from '../../model/types';
import { config } from '../config';
import { log, logError } from '../log';
import { Coalescer } from '../schedule/coalescer';
import type { StoreRegistry } from '../stores/storeRegistry';
import type { SourceResolver } from './sourceResolver';
import { StoreFailureReader, type FailureSource } from './storeFailures';

export { MAX_FAILED_RUNS } from './storeFailures';

const REBUILD_DEBOUNCE_MS = 750;

/** A line where spans of a name ran (the quieter lens of spanlens.codeLens.showPassing). */
export interface PassingLine {
  stats: NameRunStats;
  source: SourceRef;
}

export class FailureIndex implements vscode.Disposable {
  private readonly failures = new StoreFailureReader({
    debug: (m) => log().debug(m),
    error: logError,
  });
  private groupsByUri = new Map<string, FailureGroup[]>();
  private passingByUri = new Map<string, PassingLine[]>();
  private groupsByKey = new Map<string, FailureGroup>();
  private uris = new Map<string, vscode.Uri>();
  private readonly rebuilds = new Coalescer(() => this.rebuild(), {
    delayMs: REBUILD_DEBOUNCE_MS,
    onError: (e) => logError('Building the failure index failed', e),
  });
  private disposed = false;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];

  /** The groups changed: lenses, diagnostics and decorations update. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly registry: StoreRegistry,
    private readonly resolver: SourceResolver,
  ) {
    this.disposables.push(
      this.changed,
      registry.onDidChangeStore(() => this.schedule()),
      registry.onDidChangeStores(() => this.schedule()),
      resolver.onDidChange(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['spanlens.codeLens', 'spanlens.problems', 'spanlens.gutter'].some((s) => e.affectsConfiguration(s))) this.schedule(0);
      }),
    );
    this.schedule();
  }

  /** Failure groups of one file, by line. */
  groupsFor(uri: vscode.Uri): readonly FailureGroup[] {
    return this.groupsByUri.get(uri.toString()) ?? [];
  }

  /** Lines of one file where spans ran (only with spanlens.codeLens.showPassing). */
  passingFor(uri: vscode.Uri): readonly PassingLine[] {
    return this.passingByUri.get(uri.toString()) ?? [];
  }

  group(key: string): FailureGroup | undefined {
    return this.groupsByKey.get(key);
  }

  /** Every file with failures, and its groups. */
  entries(): Array<[vscode.Uri, readonly FailureGroup[]]> {
    return [...this.groupsByUri].map(([u, g]) => [this.uris.get(u)!, g]);
  }

  /** Rebuilds soon (coalescing bursts: a running pipeline re-reads its store every second). */
  schedule(delayMs = REBUILD_DEBOUNCE_MS): void {
    this.rebuilds.request(delayMs);
  }

  private wanted(): boolean {
    return config.codeLensEnabled() || config.problemsEnabled() || config.gutterEnabled();
  }

  private async rebuild(): Promise<void> {
    if (!this.wanted()) {
      this.failures.clear();
      this.publish([], new Map(), new Map());
      return;
    }
    const started = Date.now();
    const open: FailureSource[] = this.registry
      .list()
      .filter((e) => e.state.kind === 'open')
      .map((e) => ({
        id: e.id,
        // The version as of each read: a store re-read meanwhile is read again next time.
        get version() {
          return e.version;
        },
        query: (fn) => this.registry.query(e, fn),
      }));
    const catchUpMs = await this.failures.update(open);
    // Totals a little behind the failures: read again once they may be.
    if (catchUpMs !== undefined) this.schedule(Math.max(REBUILD_DEBOUNCE_MS, catchUpMs));
    if (this.disposed) return;

    const samples: FailureSample[] = [];
    const uris = new Map<string, vscode.Uri>(); // workspace key → uri
    for (const [storeId, sf] of this.failures.stores) {
      for (const { run, spans } of sf.runs) {
        for (const span of spans) {
          const loc = await this.resolver.resolve(storeId, run.id, span);
          if (!loc) continue;
          samples.push(failureSample(storeId, run, span, loc.source));
          uris.set(loc.source.path, loc.uri);
        }
      }
    }
    const stats = mergeNameRunStats([...this.failures.stores.values()].map((s) => s.stats));
    const totals = new Map([...stats].map(([name, s]) => [name, s.runs]));
    const groups = aggregateFailures(samples, totals);

    const passing = new Map<string, PassingLine[]>();
    if (config.codeLensEnabled() && config.codeLensShowPassing()) {
      const failing = new Set(groups.map((g) => `${g.path}:${g.line}:${g.spanName}`));
      for (const s of stats.values()) {
        const loc = await this.resolver.resolve('', '', nameOnlySpan(s.name));
        if (!loc || failing.has(`${loc.source.path}:${loc.source.line}:${s.name}`)) continue;
        const k = loc.uri.toString();
        uris.set(loc.source.path, loc.uri);
        const list = passing.get(k) ?? [];
        list.push({ stats: s, source: loc.source });
        passing.set(k, list);
      }
    }
    if (this.disposed) return;
    this.publish(groups, uris, passing);
    log().debug(
      `Failure index: ${groups.length} failing line(s) from ${samples.length} failed span(s) in ${this.failures.stores.size} store(s), ${Date.now() - started} ms`,
    );
  }

  private publish(groups: FailureGroup[], uris: Map<string, vscode.Uri>, passing: Map<string, PassingLine[]>): void {
    const byUri = new Map<string, FailureGroup[]>();
    const byKey = new Map<string, FailureGroup>();
    const uriByString = new Map<string, vscode.Uri>();
    for (const g of groups) {
      const uri = uris.get(g.path);
      if (!uri) continue;
      const k = uri.toString();
      uriByString.set(k, uri);
      const list = byUri.get(k) ?? [];
      list.push(g);
      byUri.set(k, list);
      byKey.set(g.key, g);
    }
    for (const u of uris.values()) if (passing.has(u.toString())) uriByString.set(u.toString(), u);
    this.groupsByUri = byUri;
    this.groupsByKey = byKey;
    this.passingByUri = passing;
    this.uris = uriByString;
    this.changed.fire();
  }

  dispose(): void {
    this.disposed = true;
    this.rebuilds.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A stand-in span carrying only a name: what the step-name lookup needs for a passing line. */
function nameOnlySpan(name: string): Span {
  return { id: `name:${name}`, runId: '', parentId: null, name, status: 'ok', rawStatus: '', startOffsetMs: 0, attributes: {}, events: [] };
}
