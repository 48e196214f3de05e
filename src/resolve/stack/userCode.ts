/**
 * Is a frame the user's code? Library frames (installed packages, runtimes' own code) are
 * skipped: the place to show is where the user's code was when things went wrong.
 */
import type { StackFrame } from './types';

/** Installed packages and vendored dependencies, any language. */
const PACKAGE_DIR = /(^|\/)(site-packages|dist-packages|node_modules|bower_components|vendor)\//i;
/** Python's standard library: `lib/python3.11/`, `lib64/python3.12/`, Windows `Python311/Lib/`, conda's `Lib/`. */
const PYTHON_STDLIB =
  /(^|\/)(lib|lib64)\/python\d+(\.\d+)?t?\/|(^|\/)python\d+\/lib\/|(^|\/)(anaconda|miniconda|miniforge|mambaforge)\d*\/(envs\/[^/]+\/)?lib\//i;
/** Go's module cache and GOROOT as installed by the official images and distributions. */
const GO_LIBRARY = /(^|\/)pkg\/mod\/|@v\d+\.\d+\.\d+[^/]*\/|^\/usr\/local\/go\/src\/|^\/usr\/lib\/go(-[\d.]+)?\/src\/|^\/?\$?GOROOT\//;

/**
 * Path-only test: false for packages (site-packages, dist-packages, node_modules, vendor/),
 * Node internals (`node:…`), the Python standard library, Go's module cache and GOROOT, and
 * pseudo-files (`<frozen runpy>`, `<string>`, `<anonymous>`, `native`).
 */
export function isUserPath(path: string): boolean {
  const p = path.trim().replace(/\\/g, '/');
  if (p === '' || p === 'native' || /^<.*>$/.test(p) || /^\[.*\]$/.test(p)) return false;
  if (/^node:/.test(p) || /^evalmachine\./.test(p)) return false;
  const bare = p.replace(/^[a-zA-Z][\w+.-]*:\/\/[^/]*/, ''); // a URL's path is what counts
  if (PACKAGE_DIR.test(bare) || PYTHON_STDLIB.test(bare) || GO_LIBRARY.test(bare)) return false;
  return true;
}

/** A frame, or just a path: the function name sharpens the test for Java, Go and .NET. */
export type FrameLike = string | (Pick<StackFrame, 'path'> & Partial<Pick<StackFrame, 'function' | 'language'>>);

/**
 * True when the frame lies in the user's code: its path passes `isUserPath` and, where the
 * runtime names library code by package rather than by path, its function is not in the JDK
 * (`java.`, `javax.`, `jdk.`, `sun.`, `com.sun.`, `kotlin.`, `scala.`), Go's standard
 * library (`runtime.`, `net/http.`: no dot in the first path element) or .NET's
 * (`System.`, `Microsoft.`).
 */
export function isUserFrame(frame: FrameLike): boolean {
  if (typeof frame === 'string') return isUserPath(frame);
  if (!isUserPath(frame.path)) return false;
  const fn = frame.function ?? '';
  switch (frame.language) {
    case 'java':
      return !/^(java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala)\./.test(fn) && !/^(java|javax|jdk|sun|com\/sun)\//.test(frame.path);
    case 'go':
      return !isGoStdlib(fn);
    case 'dotnet':
      return !/^(System|Microsoft)\./.test(fn);
    case 'javascript':
      // Node before 16 printed its internals without `node:`. Only here: a project's own
      // `internal/` folder (a Go and Python habit) is user code.
      return !/^internal\//.test(frame.path.trim());
    default:
      return true;
  }
}

/** `runtime.gopanic`, `net/http.(*conn).serve`, builtin `panic`: stdlib. `main.main`, `example.com/x.F`: not. */
function isGoStdlib(fn: string): boolean {
  if (fn === '') return false;
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  if (dot < 0) return true; // a builtin: panic(...)
  const pkg = fn.slice(0, dot);
  if (pkg === 'main') return false;
  const first = pkg.split('/')[0]!;
  return !first.includes('.');
}
