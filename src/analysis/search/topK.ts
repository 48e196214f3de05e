import { better } from './rank';

/** The best `k` documents seen, as a min-heap on (score, start, -doc). */
export class TopK {
  private docs: number[] = [];
  private scores: number[] = [];
  private starts: number[] = [];
  private tags: number[] = [];

  constructor(private readonly k: number) {}

  /** True when i ranks below j. */
  private worse(i: number, j: number): boolean {
    return better(this.scores[j]!, this.starts[j]!, this.docs[j]!, this.scores[i]!, this.starts[i]!, this.docs[i]!);
  }

  offer(doc: number, score: number, start: number, tag: number): void {
    if (this.k <= 0) return;
    const n = this.docs.length;
    if (n < this.k) {
      this.docs.push(doc);
      this.scores.push(score);
      this.starts.push(start);
      this.tags.push(tag);
      let i = n;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    // Root is the worst kept: replace it only with something better.
    if (!better(score, start, doc, this.scores[0]!, this.starts[0]!, this.docs[0]!)) return;
    this.docs[0] = doc;
    this.scores[0] = score;
    this.starts[0] = start;
    this.tags[0] = tag;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.worse(l, m)) m = l;
      if (r < n && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    swap(this.docs, i, j);
    swap(this.scores, i, j);
    swap(this.starts, i, j);
    swap(this.tags, i, j);
  }

  sorted(): Array<{ doc: number; score: number; tag: number }> {
    const idx = this.docs.map((_, i) => i);
    idx.sort((i, j) => (this.worse(j, i) ? -1 : this.worse(i, j) ? 1 : 0));
    return idx.map((i) => ({ doc: this.docs[i]!, score: this.scores[i]!, tag: this.tags[i]! }));
  }
}

function swap(a: number[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
