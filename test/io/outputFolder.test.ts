/**
 * Output folders as one transaction: a run stopped at any publishing step
 * (killed with SIGKILL in a child process) leaves DIR with the complete old
 * set, the complete new set, or, between the two renames, no DIR at all; the
 * next open restores a complete set and removes every leftover. Two writers
 * of one folder: the second fails at once.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BraggInputError } from '../../src/errors.js';
import { openOutputFolder, verifyOutputFolder, type PublishStep } from '../../src/io/outputFolder.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bragg-folder-'));
});
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const set = (tag: string) => [
  { name: 'summary.json', contents: `{"run":"${tag}"}\n` },
  { name: 'dose.npy', contents: new Uint8Array(1000).fill(tag.charCodeAt(0)) },
  { name: 'depth_dose.csv', contents: `${tag}\n`.repeat(50) },
];

async function publish(dir: string, tag: string): Promise<void> {
  const folder = await openOutputFolder(dir);
  await folder.publish(set(tag));
}

/** Which complete set DIR holds ('old', 'new'), 'absent', or 'mixed'. */
async function state(dir: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 'absent';
  }
  if ((await verifyOutputFolder(dir)).length > 0) return `mixed: ${names.join(',')}`;
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).run as string;
}

describe('output folder', () => {
  it('publishes the files with a manifest that verifies, and replaces a previous set whole', async () => {
    const dir = join(root, 'a', 'out');
    await publish(dir, 'old');
    expect((await readdir(dir)).sort()).toEqual(['depth_dose.csv', 'dose.npy', 'manifest.json', 'summary.json']);
    expect(await verifyOutputFolder(dir)).toEqual([]);
    await publish(dir, 'new');
    expect(await state(dir)).toBe('new');
    expect(await readdir(join(root, 'a'))).toEqual(['out']); // no lock, staging or old set left
  });

  it('names a corrupted or incomplete folder', async () => {
    const dir = join(root, 'out');
    await publish(dir, 'old');
    await writeFile(join(dir, 'dose.npy'), 'tampered');
    await writeFile(join(dir, 'extra.txt'), '');
    const problems = await verifyOutputFolder(dir);
    expect(problems.some((p) => p.startsWith('dose.npy'))).toBe(true);
    expect(problems).toContain('extra.txt: not in the manifest');
  });

  it('refuses bad places before any work, with one line naming --out', async () => {
    await writeFile(join(root, 'file'), 'x');
    const foreign = join(root, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'thesis.tex'), 'precious');
    for (const [dir, pattern] of [
      ['', /^--out: expected a folder path/],
      ['/proc/x', /pseudo file system/],
      ['/dev/null', /pseudo file system/],
      ['/sys/bragg', /pseudo file system/],
      [join(root, 'file'), /exists and is not a folder/],
      [join(root, 'file', 'below'), /cannot write there \(ENOTDIR\)|exists and is not a folder/],
      [foreign, /holds files that bragg did not write/],
    ] as const) {
      const error = await openOutputFolder(dir).then(() => null, (e: unknown) => e);
      expect(error, dir).toBeInstanceOf(BraggInputError);
      expect((error as Error).message, dir).toMatch(pattern);
      expect((error as Error).message).not.toContain('\n');
    }
    expect(await readFile(join(foreign, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it('lets a second writer fail at once while the first holds the folder, and takes over a dead run\'s lock', async () => {
    const dir = join(root, 'out');
    const first = await openOutputFolder(dir);
    await expect(openOutputFolder(dir)).rejects.toThrow(/another bragg run \(pid \d+ on .*\) is writing this folder/);
    await first.publish(set('first'));
    await publish(dir, 'second'); // released after publishing
    // a lock whose process is gone (pid of a finished child)
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(root, '.out.bragg-lock'), JSON.stringify({ pid: Number(dead.stdout), host: (await import('node:os')).hostname(), startedAt: 'x' }));
    await publish(dir, 'third');
    expect(await state(dir)).toBe('third');
  });

  it('abandon removes the staging folder and the lock', async () => {
    const dir = join(root, 'out');
    await publish(dir, 'old');
    const folder = await openOutputFolder(dir);
    expect((await readdir(root)).length).toBe(3); // out, lock, staging
    await folder.abandon();
    expect(await readdir(root)).toEqual(['out']);
    expect(await state(dir)).toBe('old');
  });

  it('a run killed at any publishing step leaves a complete set, and the next run sweeps the rest', async () => {
    // the compiled module (npm test builds first), so that a plain node child can load it
    const moduleUrl = new URL('../../dist/src/io/outputFolder.js', import.meta.url).href;
    const steps: PublishStep[] = ['staged', 'moved-old-aside', 'published'];
    for (const step of steps) {
      const dir = join(root, step, 'out');
      await publish(dir, 'old');
      // A child that publishes 'new' and SIGKILLs itself right after `step`.
      const script = `
        const { openOutputFolder } = await import(${JSON.stringify(moduleUrl)});
        const folder = await openOutputFolder(${JSON.stringify(dir)}, { afterStep: (s) => { if (s === ${JSON.stringify(step)}) process.kill(process.pid, 'SIGKILL'); } });
        await folder.publish([{ name: 'summary.json', contents: '{"run":"new"}\\n' }, { name: 'dose.npy', contents: new Uint8Array(1000).fill(110) }, { name: 'depth_dose.csv', contents: 'new\\n'.repeat(50) }]);`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(child.signal, child.stderr).toBe('SIGKILL');
      const seen = await state(dir);
      expect(['old', 'new', ...(step === 'moved-old-aside' ? ['absent'] : [])], step).toContain(seen);
      // the next run sweeps: a complete set is back, nothing else beside it
      const next = await openOutputFolder(dir);
      expect(await state(dir), step).toBe(step === 'published' ? 'new' : 'old');
      await next.abandon();
      expect(await readdir(join(root, step)), step).toEqual(['out']);
    }
  });

  it('never deletes files it did not write: found at open, and again under the lock just before the swap', async () => {
    const dir = join(root, 'out');
    await publish(dir, 'old');
    await writeFile(join(dir, 'plan.json'), '{}');
    await expect(openOutputFolder(dir)).rejects.toThrow(/holds files that bragg did not write \(plan\.json\)/);
    await rm(join(dir, 'plan.json'));
    const folder = await openOutputFolder(dir, { afterStep: async (step) => { if (step === 'staged') await writeFile(join(dir, 'notes.txt'), 'added meanwhile'); } });
    await expect(folder.publish(set('new'))).rejects.toThrow(/holds files that bragg did not write \(notes\.txt\)/);
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('added meanwhile');
    expect(await readdir(root)).toEqual(['out']);
  });

  it('refuses the working directory and its ancestors, and dangling links', async () => {
    const cwd = process.cwd();
    for (const dir of [cwd, join(cwd, '..'), '.']) {
      await expect(openOutputFolder(dir), dir).rejects.toThrow(/is the working directory or contains it/);
    }
    await import('node:fs/promises').then((fs) => fs.symlink(join(root, 'nowhere'), join(root, 'dangling')));
    await expect(openOutputFolder(join(root, 'dangling'))).rejects.toThrow(/symbolic link to nothing/);
  });

  it('keeps the folder\'s permissions and setgid bit', async () => {
    const dir = join(root, 'out');
    await publish(dir, 'old');
    const fs = await import('node:fs/promises');
    await fs.chmod(dir, 0o2770);
    await publish(dir, 'new');
    expect((await fs.stat(dir)).mode & 0o7777).toBe(0o2770);
  });

  it('of several runs finding the same stale lock, exactly one takes the folder', async () => {
    const moduleUrl = new URL('../../dist/src/io/outputFolder.js', import.meta.url).href;
    const { hostname } = await import('node:os');
    for (let trial = 0; trial < 5; trial++) {
      const dir = join(root, `race${trial}`, 'out');
      await publish(dir, 'old');
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      await writeFile(join(root, `race${trial}`, '.out.bragg-lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), startedAt: 'then' }));
      const script = `
        const { openOutputFolder } = await import(${JSON.stringify(moduleUrl)});
        try {
          const folder = await openOutputFolder(${JSON.stringify(dir)});
          await new Promise((r) => setTimeout(r, 300));
          await folder.publish([{ name: 'summary.json', contents: '{"run":"new"}\\n' }]);
          console.log('published');
        } catch (e) { console.log(/another bragg run/.test(e.message) ? 'refused' : 'error: ' + e.message); }`;
      const { spawn } = await import('node:child_process');
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let text = '';
        child.stdout.on('data', (d) => { text += d; });
        child.on('exit', () => resolve(text.trim()));
      })));
      expect(outcomes.sort(), `trial ${trial}`).toEqual(['published', 'refused', 'refused', 'refused']);
      expect(await state(dir)).toBe('new');
      expect(await readdir(join(root, `race${trial}`))).toEqual(['out']);
    }
  }, 60_000);
});
