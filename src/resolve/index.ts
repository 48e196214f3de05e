/**
 * A span → where in the user's source it happened. Resolvers in order, first hit wins:
 *
 *   1. OpenTelemetry code attributes (`code.file.path`/`code.line.number`, or the older `code.filepath`/`code.lineno`)
 *   2. the innermost user-code frame of a stack trace in the span's error, exception events or attributes
 *   3. a `path/to/file.py:24` reference in its attributes (waft's metadata)
 *   4. the step's name, looked up in the workspace (`guess: true`)
 *
 * A hit counts only once its path maps to exactly one workspace file: a frame that maps to
 * nothing (or ambiguously) passes the turn to the next user frame outward, then to the next
 * text, then to the next resolver. The innermost user frame usually is the place; when it is
 * not in the workspace (a generated file, a sibling repository), the nearest caller that is
 * is what a user would open by hand. Library frames are never used, even when nothing else maps.
 */
import type { SourceRef, Span } from '../model/types';
import { codeAttributesLocation } from './codeAttributes';
import { fileRefsInText, findFileRefs, type FileRef } from './fileRef';
import { mapToWorkspace, normalizeRecordedPath, workspaceIndex, type MapOptions, type WorkspaceIndex } from './pathMapping';
import { parseStack } from './stack';
import { isUserFrame, isUserPath } from './stack/userCode';

export { codeAttributesLocation, type CodeLocation } from './codeAttributes';
export { fileRefsInText, findFileRefs, type FileRef, type FileRefOptions } from './fileRef';
export {
  mapToWorkspace,
  normalizeRecordedPath,
  workspaceCandidates,
  workspaceIndex,
  WorkspaceIndex,
  type MapOptions,
  type NormalizedPath,
  type PathMatch,
} from './pathMapping';
export {
  innermostUserFrame,
  isUserFrame,
  isUserPath,
  parseStack,
  userFrames,
  type FrameLike,
  type StackFrame,
  type StackLanguage,
} from './stack';
export {
  findStepDefinitionInFiles,
  stepSearchPatterns,
  stepSearchRegexSource,
  type FileTexts,
  type StepDefinition,
  type StepDefinitionKind,
  type StepSearchPattern,
} from './stepName';

/** Which resolver found the location. */
export type SourceVia = 'code-attributes' | 'stack' | 'file-ref' | 'step-name';

export interface ResolvedSource extends SourceRef {
  via: SourceVia;
  /** The path as recorded, before mapping (for a step name: as the lookup returned it). */
  recordedPath: string;
  function?: string;
}

export interface ResolveContext {
  /** Workspace-relative, `/`-separated files (or an index of them, built once). */
  workspaceFiles: readonly string[] | WorkspaceIndex;
  /**
   * Step name → its definition, from the extension's cached workspace search. Its path must be
   * one of `workspaceFiles`; the result is marked `guess: true` whatever it says.
   */
  findStepDefinition?: (name: string) => SourceRef | undefined;
  mapOptions?: MapOptions;
}

/** Attribute keys that hold stack text, in the order they are read. */
export const STACK_ATTRIBUTE_KEYS = [
  'exception.stacktrace',
  'error.stack',
  'stacktrace',
  'code.stacktrace',
  'feedback',
  'flujo.feedback',
] as const;

/**
 * Texts that may hold a stack trace, most telling first: the error's stack, the latest
 * `exception` event, stack-like attributes, then the error message (some stores put the
 * whole traceback there). The same text twice is read once.
 */
export function stackTexts(span: Span): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (v: unknown): void => {
    if (typeof v !== 'string') return;
    const t = v.trim();
    if (t === '' || seen.has(t)) return;
    seen.add(t);
    out.push(t);
  };
  add(span.error?.stack);
  for (let i = span.events.length - 1; i >= 0; i--) {
    const e = span.events[i]!;
    if (e.name === 'exception') add(e.attributes['exception.stacktrace']);
  }
  for (const k of STACK_ATTRIBUTE_KEYS) add(span.attributes[k]);
  add(span.error?.message);
  return out;
}

/** Resolvers 1–4, each recorded path mapped into the workspace. */
export function resolveSpanSource(span: Span, ctx: ResolveContext): ResolvedSource | undefined {
  const files = workspaceIndex(ctx.workspaceFiles);
  const mapped = (recorded: string): string | undefined => mapToWorkspace(recorded, files, ctx.mapOptions)?.path;

  const code = codeAttributesLocation(span.attributes);
  if (code) {
    const path = mapped(code.path);
    if (path !== undefined) return result('code-attributes', path, code.path, code.line, code.column, code.function);
  }

  for (const text of stackTexts(span)) {
    for (const f of parseStack(text)) {
      if (!isUserFrame(f)) continue;
      const path = mapped(f.path);
      if (path !== undefined) return result('stack', path, f.path, f.line, f.column, f.function);
    }
  }

  for (const ref of spanFileRefs(span)) {
    const path = mapped(ref.path);
    if (path !== undefined) return result('file-ref', path, ref.path, ref.line, ref.column);
  }

  const def = ctx.findStepDefinition?.(span.name);
  if (def) {
    const path = mapped(def.path);
    if (path !== undefined) {
      const r = result('step-name', path, def.path, def.line, def.column);
      r.guess = true;
      return r;
    }
  }
  return undefined;
}

/**
 * Resolvers 1–3 without a workspace (the CLI without one): the location as recorded, with
 * `file://` URLs turned into paths. No step-name lookup, which needs a workspace to search.
 */
export function resolveSpanSourceRecorded(span: Span): ResolvedSource | undefined {
  const code = codeAttributesLocation(span.attributes);
  if (code) return result('code-attributes', displayPath(code.path), code.path, code.line, code.column, code.function);

  for (const text of stackTexts(span)) {
    const f = parseStack(text).find(isUserFrame);
    if (f) return result('stack', displayPath(f.path), f.path, f.line, f.column, f.function);
  }

  const ref = spanFileRefs(span)[0];
  if (ref) return result('file-ref', displayPath(ref.path), ref.path, ref.line, ref.column);
  return undefined;
}

/**
 * `file:line` references of resolver 3: the attributes (stack attributes included: Flujo's
 * `feedback` is often a one-line message naming a file), then the error message.
 */
export function spanFileRefs(span: Span): FileRef[] {
  const refs = findFileRefs(span.attributes);
  if (span.error?.message) {
    for (const r of fileRefsInText(span.error.message)) if (isUserPath(r.path)) refs.push({ ...r, key: 'error.message' });
  }
  return refs;
}

/** `file:///C:/app/x.ts` → `C:/app/x.ts`, `file:///app/x.ts` → `/app/x.ts`; other text unchanged. */
function displayPath(recorded: string): string {
  if (!/^file:\/\//i.test(recorded)) return recorded;
  const n = normalizeRecordedPath(recorded);
  if (!n) return recorded;
  const drive = /^file:\/\/\/([a-zA-Z]):/i.exec(recorded)?.[1];
  return (drive ? `${drive}:/` : '/') + n.segments.join('/');
}

function result(
  via: SourceVia,
  path: string,
  recordedPath: string,
  line: number,
  column: number | undefined,
  fn?: string,
): ResolvedSource {
  const r: ResolvedSource = { path, line, via, recordedPath };
  if (column !== undefined) r.column = column;
  if (fn !== undefined) r.function = fn;
  return r;
}
