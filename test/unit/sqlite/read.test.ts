import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOpenFile, readWholeFile } from '../../../src/sqlite/read';
import { tempDir } from './helpers';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const MB = 1024 * 1024;

/** Deterministic bytes that differ at every position a chunk boundary could misplace. */
function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('readWholeFile', () => {
  it('reads every byte in place across chunk boundaries (16 MB chunks, two in flight)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    for (const size of [0, 1, 4097, 16 * MB - 1, 16 * MB, 16 * MB + 1, 33 * MB + 5]) {
      const file = path.join(dir, `f${size}`);
      const bytes = pattern(size);
      fs.writeFileSync(file, bytes);
      const got = await readWholeFile(file);
      expect(Buffer.isBuffer(got)).toBe(true);
      expect(got.length).toBe(size);
      expect(Buffer.compare(got, bytes)).toBe(0);
      // Its own memory, never a slice of Node's shared pool.
      expect(got.buffer.byteLength).toBe(size);
    }
  });

  it('reports fs errors with their code', async () => {
    const dir = tempDir();
    dirs.push(dir);
    await expect(readWholeFile(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readWholeFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('readOpenFile', () => {
  it('reserves spare room past the end in the same ArrayBuffer when asked', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, 'f');
    const bytes = pattern(3 * MB + 7);
    fs.writeFileSync(file, bytes);
    const h = await fs.promises.open(file, 'r');
    try {
      const got = await readOpenFile(h, bytes.length, bytes.length + 5 * MB);
      expect(got.length).toBe(bytes.length);
      expect(got.byteOffset).toBe(0);
      expect(got.buffer.byteLength).toBe(bytes.length + 5 * MB);
      expect(Buffer.compare(got, bytes)).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('returns what is there when the file is shorter than the size it was stat-ed at', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, 'f');
    const bytes = pattern(20 * MB + 3);
    fs.writeFileSync(file, bytes);
    const h = await fs.promises.open(file, 'r');
    try {
      const got = await readOpenFile(h, 40 * MB);
      expect(got.length).toBe(bytes.length);
      expect(Buffer.compare(got, bytes)).toBe(0);
    } finally {
      await h.close();
    }
  });
});
