import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Span, SpanNode } from '../../../src/model/types';

/** sha256 of a store and its -wal/-shm: proves reading wrote nothing. */
export function fingerprint(file: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    out[f] = fs.existsSync(f) ? createHash('sha256').update(fs.readFileSync(f)).digest('hex') : null;
  }
  return out;
}

/** Spans → trees by parentId (what a view does); throws on a cycle so tests catch one. */
export function toTree(spans: Span[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>(spans.map((s) => [s.id, { ...s, children: [] }]));
  const roots: SpanNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentId === null ? undefined : nodes.get(n.parentId);
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  let seen = 0;
  const walk = (n: SpanNode): void => {
    if (++seen > spans.length) throw new Error('cycle in span tree');
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  if (seen !== spans.length) throw new Error(`${spans.length - seen} spans unreachable from a root (cycle)`);
  return roots;
}

export function byName(spans: Span[], name: string): Span {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span named ${name}`);
  return s;
}

/** A copy of a Flujo store (and its -wal) as `<dir>/flujo_ops.db`, for a test that writes to it; returns its path. */
export function copyStore(src: string, dir: string): string {
  const file = path.join(dir, 'flujo_ops.db');
  for (const suffix of ['', '-wal']) if (fs.existsSync(src + suffix)) fs.copyFileSync(src + suffix, file + suffix);
  return file;
}
