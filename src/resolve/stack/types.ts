/** Which runtime wrote a stack: decides what counts as library code beyond the path. */
export type StackLanguage = 'python' | 'javascript' | 'java' | 'go' | 'dotnet';

/** One frame of a stack trace, as recorded (the path is not mapped to the workspace). */
export interface StackFrame {
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based, where the runtime records one (V8). */
  column?: number;
  function?: string;
  language: StackLanguage;
}
