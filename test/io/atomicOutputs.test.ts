import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../src/io/atomicOutputs.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bragg-atomic-'));
});
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('writeFileAtomically', () => {
  it('creates the folders and writes the file', async () => {
    const path = join(root, 'nested', 'plot.svg');
    await writeFileAtomically(path, '<svg/>');
    expect(await readFile(path, 'utf8')).toBe('<svg/>');
  });

  it('replaces an existing file and leaves no temporary file', async () => {
    await writeFile(join(root, 'a.txt'), 'old contents that are longer than the new ones');
    await writeFileAtomically(join(root, 'a.txt'), new Uint8Array([110, 101, 119]));
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('new');
    expect(await readdir(root)).toEqual(['a.txt']);
  });

  it('leaves the old file and no temporary file when the rename fails', async () => {
    // a folder where the file should go: the rename fails
    await import('node:fs/promises').then((fs) => fs.mkdir(join(root, 'taken')));
    await expect(writeFileAtomically(join(root, 'taken'), 'x')).rejects.toThrow();
    expect(await readdir(root)).toEqual(['taken']);
  });
});
