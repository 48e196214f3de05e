/**
 * A fake TraceStore and a fake "disk" for the stateful middle of the extension (the store
 * loader, the catalog, the failure index): opening is a promise the test releases, each
 * opening yields a new store object (as a re-read does), and what a store holds can change
 * between openings. No vscode, no files.
 */
import { filterRuns } from '../../../src/analysis/runs';
import type { Run, Span, SpanSummary, Status } from '../../../src/model/types';
import type { StoreSignature } from '../../../src/sources/signature';
import { StoreError, type RunQuery, type StoreFormat, type TraceStore } from '../../../src/sources/types';

export interface FakeRun {
  id: string;
  status?: Status;
  name?: string;
  startMs?: number;
  spans?: Array<Partial<Span> & { id: string; name: string }>;
}

export function toRun(storeId: string, r: FakeRun): Run {
  const run: Run = {
    id: r.id,
    store: storeId,
    name: r.name ?? 'pipeline',
    status: r.status ?? 'ok',
    rawStatus: r.status ?? 'ok',
    spanCount: r.spans?.length ?? 0,
    attributes: {},
  };
  if (r.startMs !== undefined) run.startMs = r.startMs;
  return run;
}

export function toSpans(runId: string, r: FakeRun): Span[] {
  return (r.spans ?? []).map((s, i) => ({
    runId,
    parentId: null,
    status: 'ok',
    rawStatus: 'ok',
    startOffsetMs: i,
    attributes: {},
    events: [],
    ...s,
  }));
}

export class FakeStore implements TraceStore {
  closed = false;
  getSpansCalls = 0;
  spanSummariesCalls = 0;
  refreshCalls = 0;
  /** Set to make the next refresh() fail. */
  failRefresh: Error | undefined;
  readonly refresh?: () => Promise<void>;

  constructor(
    readonly id: string,
    /** Which opening of the store this is (1, 2, …). */
    readonly generation: number,
    private runs: FakeRun[],
    readonly format: StoreFormat = 'flujo',
    /** For a line-based store: what a refresh reads in. */
    source?: () => FakeRun[],
  ) {
    if (source) {
      this.refresh = async () => {
        this.refreshCalls++;
        if (this.failRefresh) throw this.failRefresh;
        this.runs = source();
      };
    }
  }

  private alive(): void {
    if (this.closed) throw new Error(`${this.id} #${this.generation} is closed`);
  }

  async listRuns(q: RunQuery = {}): Promise<Run[]> {
    this.alive();
    return filterRuns(
      this.runs.map((r) => toRun(this.id, r)),
      q,
    );
  }

  async findRuns(partial: string): Promise<Run[]> {
    return (await this.listRuns()).filter((r) => r.id.includes(partial));
  }

  async getSpans(runId: string): Promise<Span[]> {
    this.alive();
    this.getSpansCalls++;
    const r = this.runs.find((x) => x.id === runId);
    if (!r) throw new StoreError(`${this.id}: no run with id '${runId}'`, this.id);
    return toSpans(runId, r);
  }

  async spanSummaries(): Promise<SpanSummary[]> {
    this.alive();
    this.spanSummariesCalls++;
    const out: SpanSummary[] = [];
    for (const r of this.runs) for (const s of toSpans(r.id, r)) out.push({ runId: r.id, name: s.name, status: s.status });
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

interface Gate {
  id: string;
  release: () => void;
  fail: (e: unknown) => void;
}

/**
 * The stores on a fake disk: what each holds, its size and change key, and the openings the
 * loader asked for. Openings wait until the test releases them when `gated`.
 */
export class FakeDisk {
  readonly contents = new Map<string, FakeRun[]>();
  readonly formats = new Map<string, StoreFormat>();
  readonly sizes = new Map<string, number>();
  readonly keys = new Map<string, string>();
  /** Ids whose opening throws this. */
  readonly broken = new Map<string, unknown>();
  readonly opened: FakeStore[] = [];
  readonly pending: Gate[] = [];
  gated = false;
  private generations = new Map<string, number>();
  private writes = 0;

  put(id: string, runs: FakeRun[], format: StoreFormat = 'flujo'): void {
    this.contents.set(id, runs);
    this.formats.set(id, format);
    // Every write moves the change key, as size and mtime would.
    this.keys.set(id, `${id}@${++this.writes}`);
  }

  opensOf(id: string): FakeStore[] {
    return this.opened.filter((s) => s.id === id);
  }

  /** Lets the oldest waiting opening of `id` (or of any store) go on. */
  release(id?: string): void {
    const i = this.pending.findIndex((g) => id === undefined || g.id === id);
    if (i < 0) throw new Error(`no opening of ${id ?? 'any store'} waits`);
    this.pending.splice(i, 1)[0]!.release();
  }

  async open(id: string): Promise<FakeStore> {
    if (this.gated) {
      await new Promise<void>((release, fail) => this.pending.push({ id, release, fail }));
    }
    const broken = this.broken.get(id);
    if (broken !== undefined) throw broken;
    const runs = this.contents.get(id);
    if (!runs) throw new StoreError(`${id}: not found`, id);
    const generation = (this.generations.get(id) ?? 0) + 1;
    this.generations.set(id, generation);
    const format = this.formats.get(id) ?? 'flujo';
    const store = new FakeStore(id, generation, runs, format, format === 'flujo' ? undefined : () => this.contents.get(id) ?? []);
    this.opened.push(store);
    return store;
  }

  async signature(id: string): Promise<StoreSignature> {
    const exists = this.contents.has(id);
    return { exists, dbBytes: this.sizes.get(id) ?? 100, walBytes: 0, key: this.keys.get(id) ?? '-' };
  }
}

/** Resolves after pending promise callbacks and zero-delay timers have run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setTimeout(r, 0));
}
