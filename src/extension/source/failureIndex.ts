/**
 * Which lines of the workspace failed, over every loaded store: what CodeLens, the Problems
 * panel and the gutter show. Built in the background and rebuilt (debounced) when a store is
 * re-read, a store is added or removed, or the workspace's files change; never on the way of
 * the editor.
 *
 * Per store, per store version:
 *   - the newest MAX_FAILED_RUNS failed runs (listRuns {status: 'error'});
 *   - their spans (getSpans), only for runs not seen before or changed since (a run's spans are
 *     kept across re-reads while its span count, duration and status stay the same), reduced to
 *     the spans whose failure is their own (analysis/failures.ts ownFailures);
 *   - span name → distinct runs, failed runs, p95 from spanSummaries, over the same window as
 *     the failed runs when the cap was hit. On a big store this is the expensive part; it is
 *     re-read at most every ~20× its own cost (older totals are used meanwhile).
 * Each failing span is resolved to a workspace line (sourceResolver, cached), then grouped
 * (analysis/failures.ts aggregateFailures).
 */
import { minOf } from '../../model/arrays';
import * as vscode from 'vscode';
import {
  aggregateFailures,
  failureSample,
  mergeNameRunStats,
  nameRunStats,
  ownFailures,
  type FailureGroup,
  type FailureSample,
  type NameRunStats,
} from '../../analysis/failures';
import type { Run, SourceRef, Span } from '../../model/types';
import { config } from '../config';
import { log, logError } from '../log';
import { Coalescer } from '../schedule/coalescer';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';
import type { SourceResolver } from './sourceResolver';

/** Failed runs read per store, newest first. */
export const MAX_FAILED_RUNS = 200;
const REBUILD_DEBOUNCE_MS = 750;
/** Span summaries are re-read at most every this × what reading them took (and at least this often when cheap). */
const SUMMARY_COST_FACTOR = 20;
const SUMMARY_MAX_REUSE_MS = 5 * 60_000;

interface StoreFailures {
  version: number;
  runs: Array<{ run: Run; spans: Span[] }>;
  stats: Map<string, NameRunStats>;
  /** Store version the stats were read at (they lag behind `version` on a big, busy store). */
  statsVersion: number;
  statsAt: number;
  statsCostMs: number;
}

/** How long span summaries that took `costMs` to read are reused while the store changes. */
function statsReuseMs(costMs: number): number {
  return Math.min(SUMMARY_MAX_REUSE_MS, costMs * SUMMARY_COST_FACTOR);
}

/** A line where spans of a name ran (the quieter lens of spanlens.codeLens.showPassing). */
export interface PassingLine {
  stats: NameRunStats;
  source: SourceRef;
}

export class FailureIndex implements vscode.Disposable {
  private readonly perStore = new Map<string, StoreFailures>();
  /** store\0run → the run's own failures, and the run state they were read at. */
  private readonly runSpans = new Map<string, { sig: string; spans: Span[] }>();
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
      this.perStore.clear();
      this.runSpans.clear();
      this.publish([], new Map(), new Map());
      return;
    }
    const started = Date.now();
    const open = this.registry.list().filter((e) => e.state.kind === 'open');
    const liveRuns = new Set<string>();
    for (const entry of open) {
      let sf = this.perStore.get(entry.id);
      const statsDue = sf !== undefined && sf.statsVersion !== entry.version && Date.now() - sf.statsAt >= statsReuseMs(sf.statsCostMs);
      if (!sf || sf.version !== entry.version || statsDue) {
        try {
          sf = await this.readStore(entry, sf);
          this.perStore.set(entry.id, sf);
        } catch (e) {
          // A store that cannot be queried keeps what it had; the others go on.
          logError(`Reading failures of ${entry.id} failed`, e);
          if (!sf) continue;
        }
      }
      for (const r of sf.runs) liveRuns.add(`${entry.id}\u0000${r.run.id}`);
    }
    const openIds = new Set(open.map((e) => e.id));
    for (const id of [...this.perStore.keys()]) if (!openIds.has(id)) this.perStore.delete(id);
    for (const k of [...this.runSpans.keys()]) if (!liveRuns.has(k)) this.runSpans.delete(k);
    if (this.disposed) return;

    const samples: FailureSample[] = [];
    const uris = new Map<string, vscode.Uri>(); // workspace key → uri
    for (const [storeId, sf] of this.perStore) {
      for (const { run, spans } of sf.runs) {
        for (const span of spans) {
          const loc = await this.resolver.resolve(storeId, run.id, span);
          if (!loc) continue;
          samples.push(failureSample(storeId, run, span, loc.source));
          uris.set(loc.source.path, loc.uri);
        }
      }
    }
    const stats = mergeNameRunStats([...this.perStore.values()].map((s) => s.stats));
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
      `Failure index: ${groups.length} failing line(s) from ${samples.length} failed span(s) in ${this.perStore.size} store(s), ${Date.now() - started} ms`,
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

  private async readStore(entry: StoreEntry, prev: StoreFailures | undefined): Promise<StoreFailures> {
    const version = entry.version;
    const runs = await this.registry.query(entry, (s) => s.listRuns({ status: 'error', limit: MAX_FAILED_RUNS }));
    const out: StoreFailures['runs'] = [];
    let read = 0;
    for (const run of runs) {
      const key = `${entry.id}\u0000${run.id}`;
      const sig = `${run.status}|${run.spanCount}|${run.durationMs ?? ''}`;
      let cached = this.runSpans.get(key);
      if (!cached || cached.sig !== sig) {
        const spans = await this.registry.query(entry, (s) => s.getSpans(run.id));
        cached = { sig, spans: ownFailures(spans) };
        this.runSpans.set(key, cached);
        // sql.js answers synchronously: let the extension host breathe between batches.
        if (++read % 10 === 0) await new Promise((r) => setImmediate(r));
      }
      out.push({ run, spans: cached.spans });
    }

    let stats = prev?.stats;
    let statsAt = prev?.statsAt ?? 0;
    let statsCostMs = prev?.statsCostMs ?? 0;
    let statsVersion = prev?.statsVersion ?? -1;
    const reuseFor = statsReuseMs(statsCostMs);
    if (!stats || (statsVersion !== version && Date.now() - statsAt >= reuseFor)) {
      // The "of N runs" covers the same window as the failed runs read, when the cap cut them.
      let sinceMs: number | undefined;
      if (runs.length >= MAX_FAILED_RUNS) {
        const starts = runs.map((r) => r.startMs).filter((t): t is number => t !== undefined && Number.isFinite(t));
        if (starts.length) sinceMs = minOf(starts, (t) => t);
      }
      const t0 = Date.now();
      const summaries = await this.registry.query(entry, (s) => s.spanSummaries(sinceMs === undefined ? {} : { sinceMs }));
      stats = nameRunStats(summaries);
      statsVersion = version;
      statsAt = Date.now();
      statsCostMs = statsAt - t0;
    } else if (statsVersion !== version) {
      // Totals a little behind the failures; caught up once they may be re-read.
      this.schedule(Math.max(REBUILD_DEBOUNCE_MS, reuseFor - (Date.now() - statsAt)));
    }
    if (read > 0 || !prev) log().debug(`Failure index: ${entry.id}: ${runs.length} failed run(s), ${read} read anew; totals in ${statsCostMs} ms`);
    return { version, runs: out, stats, statsVersion, statsAt, statsCostMs };
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
