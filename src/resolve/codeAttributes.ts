/**
 * OpenTelemetry's code attributes → the recorded location. Both generations are read:
 * semconv ≥ 1.30 (`code.file.path`, `code.line.number`, `code.column.number`,
 * `code.function.name`) and the deprecated ones still written by older SDKs (`code.filepath`,
 * `code.lineno`, `code.column`, `code.function`). The newer key wins where both are set;
 * SDKs in transition write both.
 */
import type { AttributeValue, Attributes } from '../model/types';

export interface CodeLocation {
  path: string;
  line: number;
  column?: number;
  function?: string;
}

/** Without a line there is no location: a bare file is left to the later resolvers. */
export function codeAttributesLocation(attributes: Attributes): CodeLocation | undefined {
  const path = text(attr(attributes, 'code.file.path')) ?? text(attr(attributes, 'code.filepath'));
  const line = positive(attr(attributes, 'code.line.number')) ?? positive(attr(attributes, 'code.lineno'));
  if (path === undefined || line === undefined) return undefined;
  const loc: CodeLocation = { path, line };
  const column = positive(attr(attributes, 'code.column.number')) ?? positive(attr(attributes, 'code.column'));
  if (column !== undefined) loc.column = column;
  const fn = text(attr(attributes, 'code.function.name')) ?? qualified(attributes);
  if (fn !== undefined) loc.function = fn;
  return loc;
}

/** The old generation split the name: `code.namespace` + `code.function`. */
function qualified(attributes: Attributes): string | undefined {
  const fn = text(attr(attributes, 'code.function'));
  const ns = text(attr(attributes, 'code.namespace'));
  return fn !== undefined && ns !== undefined ? `${ns}.${fn}` : fn;
}

/**
 * A dotted key, flat (`{"code.lineno": 3}`, as OTLP has it) or nested
 * (`{"code": {"lineno": 3}}`, as some stores unflatten it).
 */
export function attr(attributes: Attributes, key: string): AttributeValue | undefined {
  if (Object.prototype.hasOwnProperty.call(attributes, key)) return attributes[key];
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const head = attributes[key.slice(0, dot)];
  if (typeof head !== 'object' || head === null || Array.isArray(head)) return undefined;
  return attr(head, key.slice(dot + 1));
}

function text(v: AttributeValue | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Numbers, and numbers stored as text (OTLP/JSON int64 values are strings). */
function positive(v: AttributeValue | undefined): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
