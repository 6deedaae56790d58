/**
 * Write a set of output files so that either all of them appear complete or
 * none of them changes.
 *
 * 1. Every file is written to a temp file in the target directory
 *    (`.<name>.<pid>.<random>.tmp`) and fsynced.
 * 2. Existing targets are hard-linked (or, where links are unsupported,
 *    copied) to `.bak` files so that they can be restored.
 * 3. Only then are the temps renamed into place, one by one.
 * On any error the renames already done are undone (previous contents
 * restored, new files removed), every temp and backup file is removed, and
 * the error is rethrown.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface OutputFile {
  /** Plain file name inside the output directory (no path separators). */
  readonly name: string;
  /** Text (written as UTF-8) or raw bytes. */
  readonly contents: string | Uint8Array;
}

function sideName(dir: string, name: string, suffix: string): string {
  return join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.${suffix}`);
}

function checkNames(files: readonly OutputFile[]): void {
  const seen = new Set<string>();
  for (const { name } of files) {
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
      throw new Error(`writeOutputsAtomically: invalid output file name ${JSON.stringify(name)}`);
    }
    if (seen.has(name)) throw new Error(`writeOutputsAtomically: duplicate output file name ${JSON.stringify(name)}`);
    seen.add(name);
  }
}

async function writeSynced(path: string, contents: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Back up an existing regular file at `target`; returns the backup path, or null if none is needed. */
async function backUp(dir: string, name: string, target: string): Promise<string | null> {
  try {
    const st = await lstat(target);
    if (st.isDirectory()) return null; // the rename will fail and trigger the rollback
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const bak = sideName(dir, name, 'bak');
  try {
    await link(target, bak);
  } catch {
    await copyFile(target, bak);
  }
  return bak;
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch {
    // already gone or never created
  }
}

/** Best-effort fsync of the directory so the renames are durable. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not supported on every platform (e.g. Windows)
  }
}

export async function writeOutputsAtomically(dir: string, files: readonly OutputFile[]): Promise<void> {
  checkNames(files);
  await mkdir(dir, { recursive: true });

  const temps: string[] = [];
  const backups: (string | null)[] = [];
  let renamed = 0;
  try {
    for (const file of files) {
      const tmp = sideName(dir, file.name, 'tmp');
      temps.push(tmp);
      await writeSynced(tmp, file.contents);
    }
    for (const file of files) backups.push(await backUp(dir, file.name, join(dir, file.name)));
    for (; renamed < files.length; renamed++) {
      await rename(temps[renamed] as string, join(dir, (files[renamed] as OutputFile).name));
    }
  } catch (err) {
    // Undo the renames already done, newest first.
    for (let i = renamed - 1; i >= 0; i--) {
      const target = join(dir, (files[i] as OutputFile).name);
      const bak = backups[i];
      try {
        if (bak) await rename(bak, target);
        else await unlink(target);
      } catch {
        // keep undoing the rest
      }
    }
    for (const p of temps) await removeQuietly(p);
    for (const p of backups) if (p) await removeQuietly(p);
    throw err;
  }
  for (const p of backups) if (p) await removeQuietly(p);
  await syncDir(dir);
}
