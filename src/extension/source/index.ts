/**
 * From span to code: wires the workspace file list, the step-name index and the resolver into
 * the Runs view (Go to Source, click-to-open, location in tooltips), Span Details (its Go to
 * Source button), and the failure index behind CodeLens, Problems and the gutter.
 */
import { pushAll } from '../../model/arrays';
import * as vscode from 'vscode';
import type { Run, Span, SpanNode } from '../../model/types';
import { SpanDetailsPanel } from '../details/detailsPanel';
import { logError } from '../log';
import { spanSourceHints, type ViewNode } from '../runsView/nodes';
import type { RunsTreeProvider } from '../runsView/runsTreeProvider';
import type { StoreEntry, StoreRegistry } from '../stores/storeRegistry';
import { FailureCodeLensProvider, registerFailurePick } from './codeLensProvider';
import { FailureDiagnostics, FailureGutter } from './diagnostics';
import { FailureIndex } from './failureIndex';
import { locationLabel } from './labels';
import { registerNavigation } from './navigation';
import { SourceResolver } from './sourceResolver';
import { StepIndex } from './stepIndex';
import { WorkspaceFiles } from './workspaceFiles';

/** How long a run's rows wait for their spans' locations before showing without them. */
const TREE_WAIT_MS = 800;
/** Spans of one run resolved ahead for the tree; beyond, a span is resolved when clicked. */
const TREE_RESOLVE_MAX = 2000;

export interface SourceFeaturesContext {
  extension: vscode.ExtensionContext;
  registry: StoreRegistry;
  provider: RunsTreeProvider;
  view: vscode.TreeView<ViewNode>;
}

export function registerSourceFeatures(ctx: SourceFeaturesContext): vscode.Disposable[] {
  const files = new WorkspaceFiles();
  const steps = new StepIndex(files);
  const resolver = new SourceResolver(files, steps);
  const index = new FailureIndex(ctx.registry, resolver);
  const lenses = new FailureCodeLensProvider(index);

  spanSourceHints.current = {
    label(entry: StoreEntry, run: Run, span: Span) {
      const loc = resolver.peek(entry.id, run.id, span);
      return loc === undefined ? undefined : loc === null ? null : locationLabel(loc.source);
    },
    async prepare(entry: StoreEntry, run: Run, roots: readonly SpanNode[]) {
      const spans: SpanNode[] = [];
      const stack = [...roots];
      while (stack.length && spans.length < TREE_RESOLVE_MAX) {
        const n = stack.pop()!;
        spans.push(n);
        pushAll(stack, n.children);
      }
      const all = resolver.resolveAll(entry.id, run.id, spans);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const inTime = await Promise.race([
        all.then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), TREE_WAIT_MS))),
      ]).finally(() => clearTimeout(timer));
      // Too slow this time (the first look reads the project's files): the rows update when it is done.
      if (!inTime) void all.then(() => ctx.provider.refreshStore(entry), (e: unknown) => logError('Resolving span sources failed', e));
    },
  };

  SpanDetailsPanel.sourceLookup = async (target) => {
    const loc = await resolver.resolve(target.storeId, target.run.id, target.span);
    return loc ? { source: loc.source, uri: loc.uri } : undefined;
  };

  return [
    files,
    steps,
    resolver,
    index,
    lenses,
    vscode.languages.registerCodeLensProvider({ pattern: '**' }, lenses),
    registerFailurePick({ ...ctx, index }),
    new FailureDiagnostics(index),
    new FailureGutter(ctx.extension.extensionUri, index),
    ...registerNavigation({ extension: ctx.extension, resolver, view: ctx.view }),
    new vscode.Disposable(() => {
      spanSourceHints.current = undefined;
      SpanDetailsPanel.sourceLookup = undefined;
    }),
  ];
}
