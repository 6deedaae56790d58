import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOutputsAtomically, type OutputFile } from '../../src/io/atomicOutputs.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bragg-atomic-'));
});
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Entries left by the writer's temp/backup files. */
async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.tmp') || n.endsWith('.bak'));
}

describe('writeOutputsAtomically', () => {
  it('creates the directory and writes every file with its contents', async () => {
    const dir = join(root, 'nested', 'out');
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    await writeOutputsAtomically(dir, [
      { name: 'summary.json', contents: '{"r80_mm": 152.3}\n' },
      { name: 'dose.npy', contents: bytes },
      { name: 'depth_dose.csv', contents: 'depth_mm,dose\n0,1\n' },
    ]);
    expect((await readdir(dir)).sort()).toEqual(['depth_dose.csv', 'dose.npy', 'summary.json']);
    expect(await readFile(join(dir, 'summary.json'), 'utf8')).toBe('{"r80_mm": 152.3}\n');
    expect(new Uint8Array(await readFile(join(dir, 'dose.npy')))).toEqual(bytes);
    expect(await readFile(join(dir, 'depth_dose.csv'), 'utf8')).toBe('depth_mm,dose\n0,1\n');
  });

  it('replaces an existing file', async () => {
    await writeFile(join(root, 'a.txt'), 'old contents that are longer than the new ones');
    await writeOutputsAtomically(root, [{ name: 'a.txt', contents: 'new' }]);
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('new');
    expect(await leftovers(root)).toEqual([]);
  });

  it('leaves no new file and restores replaced ones when a target is a directory', async () => {
    await writeFile(join(root, 'old.txt'), 'old');
    await mkdir(join(root, 'blocked.bin'));
    const files: OutputFile[] = [
      { name: 'old.txt', contents: 'new' },
      { name: 'c.txt', contents: 'c' },
      { name: 'blocked.bin', contents: new Uint8Array([1, 2, 3]) },
      { name: 'd.txt', contents: 'd' },
    ];
    await expect(writeOutputsAtomically(root, files)).rejects.toThrow();
    expect((await readdir(root)).sort()).toEqual(['blocked.bin', 'old.txt']);
    expect(await readFile(join(root, 'old.txt'), 'utf8')).toBe('old');
    expect((await stat(join(root, 'blocked.bin'))).isDirectory()).toBe(true);
    expect(await leftovers(root)).toEqual([]);
  });

  it('writes nothing when writing one of the files fails', async () => {
    await writeFile(join(root, 'keep.txt'), 'keep');
    const bad = { name: 'bad.txt', contents: 42 } as unknown as OutputFile; // simulated write failure
    await expect(
      writeOutputsAtomically(root, [{ name: 'keep.txt', contents: 'changed' }, { name: 'x.txt', contents: 'x' }, bad]),
    ).rejects.toThrow();
    expect(await readdir(root)).toEqual(['keep.txt']);
    expect(await readFile(join(root, 'keep.txt'), 'utf8')).toBe('keep');
  });

  it('rejects unsafe or duplicate names before writing anything', async () => {
    await expect(writeOutputsAtomically(root, [{ name: '../escape.txt', contents: 'x' }])).rejects.toThrow(/name/);
    await expect(writeOutputsAtomically(root, [{ name: '', contents: 'x' }])).rejects.toThrow(/name/);
    await expect(
      writeOutputsAtomically(root, [
        { name: 'a.txt', contents: '1' },
        { name: 'a.txt', contents: '2' },
      ]),
    ).rejects.toThrow(/duplicate/);
    expect(await readdir(root)).toEqual([]);
  });
});
