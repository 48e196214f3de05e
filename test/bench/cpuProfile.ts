/**
 * Reads a V8 CPU profile (.cpuprofile, as the inspector's Profiler.stop gives it) for one question:
 * how long did the thread run without a break while code of one file was on the stack? A pause
 * made of the host's own work (VS Code's port finder spawning processes, another extension, GC
 * between our tasks) is not counted against Spanlens; a pause with Spanlens on the stack is.
 */
import * as fs from 'fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Stretch {
  /** Milliseconds from the profile's start. */
  atMs: number;
  durationMs: number;
  /** The function of that file seen most often in it, as `name file:line`. */
  top: string;
}

/**
 * Stretches of code from a file whose URL contains `file` running without a break (garbage
 * collection inside them counted), longest first, starting between `fromMs` and `toMs` after the
 * profile's start.
 */
export function stretchesWith(profileFile: string, file: string, fromMs = 0, toMs = Infinity): Stretch[] {
  const p = JSON.parse(fs.readFileSync(profileFile, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hasFile = new Map<number, boolean>();
  const ours = (id: number): boolean => {
    const known = hasFile.get(id);
    if (known !== undefined) return known;
    // Iterative walk up; stacks are short, the memo makes the whole pass linear.
    const path: number[] = [];
    let x: number | undefined = id;
    let found = false;
    while (x !== undefined) {
      const memo = hasFile.get(x);
      if (memo !== undefined) {
        found = memo;
        break;
      }
      path.push(x);
      if (byId.get(x)!.callFrame.url.includes(file)) {
        found = true;
        break;
      }
      x = parent.get(x);
    }
    for (const y of path) hasFile.set(y, found);
    return found;
  };
  /** The innermost frame of `file` on a sample's stack. */
  const frameOf = (id: number): string | undefined => {
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      if (f.url.includes(file)) return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    }
    return undefined;
  };
  const gc = (id: number): boolean => byId.get(id)!.callFrame.functionName === '(garbage collector)';
  // A stretch: samples in a row in that file's code, with garbage collection between them (their
  // allocations' cost); it ends at the first sample of other code or of idleness.
  const out: Stretch[] = [];
  let t = 0;
  let start = -1;
  let lastOurs = 0;
  let frames = new Map<string, number>();
  const close = (): void => {
    if (start >= 0 && start >= fromMs && start <= toMs) {
      let top = '';
      let most = 0;
      for (const [f, n] of frames) if (n > most) [top, most] = [f, n];
      out.push({ atMs: start, durationMs: lastOurs - start, top });
    }
    start = -1;
  };
  for (let i = 0; i < p.samples.length; i++) {
    const t0 = t;
    t += p.timeDeltas[i]! / 1000;
    const id = p.samples[i]!;
    if (ours(id)) {
      if (start < 0) {
        start = t0;
        frames = new Map();
      }
      lastOurs = t;
      const f = frameOf(id)!;
      frames.set(f, (frames.get(f) ?? 0) + 1);
    } else if (!(start >= 0 && gc(id))) {
      close();
    }
  }
  close();
  return out.sort((a, b) => b.durationMs - a.durationMs);
}

/** When the profile started, epoch ms: its clock is monotonic, so it is anchored at the file's write (its end). */
export function profileStartEpochMs(profileFile: string): number {
  const p = JSON.parse(fs.readFileSync(profileFile, 'utf8')) as Profile;
  return fs.statSync(profileFile).mtimeMs - (p.endTime - p.startTime) / 1000;
}
