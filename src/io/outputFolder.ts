/**
 * An output folder published as one transaction: a reader of DIR sees the
 * complete previous set of files or the complete new one, never a mix.
 *
 * openOutputFolder(DIR), called before any transport:
 *  1. checks DIR (not empty, not under /proc, /sys or /dev, not a file, and
 *     either new, empty, or a folder of bragg outputs: nothing else is ever
 *     replaced);
 *  2. takes the lock `.<DIR>.bragg-lock` beside DIR (created exclusively; it
 *     names pid, host and start time; a lock of a process that no longer runs
 *     on this host is stale and taken over), so a second writer fails at once;
 *  3. sweeps what killed runs left: staging folders, and a previous set moved
 *     aside but never replaced (it is moved back);
 *  4. creates the staging folder `.<DIR>.bragg-stage-<id>` beside DIR, which
 *     proves the place writable before any work is done.
 * publish(files) writes every file and manifest.json (sha256 of each file)
 * into the staging folder, syncs them, then swaps folders: DIR is renamed to
 * `.<DIR>.bragg-old-<id>`, the staging folder to DIR, and the old set is
 * removed. A run killed between the two renames leaves DIR absent and both
 * sets complete beside it; the next openOutputFolder moves the old set back.
 * abandon() (or abandonSync() from a signal handler) removes the staging
 * folder and releases the lock.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { BraggInputError } from '../errors.js';
import { ENGINE_VERSION } from '../version.js';

export interface OutputFile {
  /** Plain file name inside the output folder (no path separators). */
  readonly name: string;
  /** Text (written as UTF-8) or raw bytes. */
  readonly contents: string | Uint8Array;
}

/** manifest.json: what a bragg output folder holds, so that a user or a tool can verify it. */
export interface OutputManifest {
  readonly generator: 'bragg-engine';
  readonly engineVersion: string;
  readonly files: readonly { readonly name: string; readonly bytes: number; readonly sha256: string }[];
}

export const MANIFEST_NAME = 'manifest.json';

/** Names of the publishing steps, in order; tests stop a run after each one. */
export type PublishStep = 'staged' | 'moved-old-aside' | 'published';

export interface OutputFolderOptions {
  /** How the folder is named in messages (default '--out'). */
  readonly label?: string;
  /** Called after each publishing step (tests inject failures there). */
  readonly afterStep?: (step: PublishStep) => void | Promise<void>;
}

export interface OutputFolder {
  /** The folder's absolute path. */
  readonly path: string;
  /** Writes the files and manifest.json into staging, then swaps the whole set into place; releases the lock. */
  publish(files: readonly OutputFile[]): Promise<void>;
  /** Removes the staging folder and releases the lock (after a failed or cancelled run). */
  abandon(): Promise<void>;
  /** The same, synchronously, for signal handlers. */
  abandonSync(): void;
}

/** Files that earlier bragg versions wrote without a manifest: such a folder is still ours to replace. */
const LEGACY_OUTPUTS = new Set(['summary.json', 'depth_dose.csv', 'depth_dose.svg', 'dose.npy', 'uncertainty.npy']);
/** Pseudo file systems: writing there is never an output folder (and /proc can spin forever). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

interface LockOwner { readonly pid: number; readonly host: string; readonly startedAt: string }

function sidePath(dir: string, kind: 'lock' | 'stage' | 'old', id = ''): string {
  return join(dirname(dir), `.${basename(dir)}.bragg-${kind}${id ? `-${id}` : ''}`);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** The real path of the nearest existing ancestor, with the rest appended (symlinks resolved). */
async function realTarget(path: string): Promise<string> {
  let head = path;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(await realpath(head), ...tail);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') throw error;
      const parent = dirname(head);
      if (parent === head) return path;
      tail.unshift(basename(head));
      head = parent;
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM'; // alive, owned by someone else
  }
}

function readLockOwner(lockPath: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null; // being written right now, or not ours
  }
}

/** Takes the lock, or throws naming the run that holds it. A lock of a dead process on this host is taken over. */
function acquireLock(lockPath: string, dir: string, label: string): void {
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o644);
      try {
        writeSync(fd, JSON.stringify(me) + '\n');
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const owner = readLockOwner(lockPath);
    if (owner && (owner.host !== me.host || processAlive(owner.pid))) {
      throw new BraggInputError(`${label} ${dir}: another bragg run (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}) `
        + `is writing this folder; if none is, remove ${lockPath}`);
    }
    if (!owner && attempt === 0) {
      // Unreadable: a run that is creating it this instant, or a remnant. Look once more after a moment.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      const again = readLockOwner(lockPath);
      if (again && (again.host !== me.host || processAlive(again.pid))) continue;
    }
    try {
      unlinkSync(lockPath); // stale: its run is gone
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
  throw new BraggInputError(`${label} ${dir}: could not take the lock ${lockPath} (another run keeps taking it)`);
}

/** True for a folder this engine wrote (manifest.json from bragg, or only the files earlier versions wrote). */
async function isBraggFolder(dir: string): Promise<boolean> {
  const entries = await readdir(dir);
  if (entries.length === 0) return true;
  if (entries.includes(MANIFEST_NAME)) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST_NAME), 'utf8')) as Partial<OutputManifest>;
      return manifest.generator === 'bragg-engine';
    } catch {
      return false;
    }
  }
  return entries.every((name) => LEGACY_OUTPUTS.has(name) || /^\..+\.(tmp|bak)$/.test(name));
}

/** Removes what killed runs left beside DIR; restores a previous set that was moved aside but never replaced. */
async function sweep(dir: string): Promise<void> {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.bragg-`;
  const leftovers = (await readdir(parent)).filter((name) => name.startsWith(prefix) && name !== `${prefix}lock`);
  const olds = leftovers.filter((name) => name.startsWith(`${prefix}old-`));
  if (olds.length > 0 && !(await exists(dir))) {
    const newest = await newestOf(olds.map((name) => join(parent, name)));
    await rename(newest, dir);
  }
  for (const name of leftovers) await rm(join(parent, name), { recursive: true, force: true });
}

async function newestOf(paths: readonly string[]): Promise<string> {
  const times = await Promise.all(paths.map(async (p) => (await stat(p)).mtimeMs));
  let best = 0;
  for (let i = 1; i < paths.length; i++) if (times[i]! > times[best]!) best = i;
  return paths[best]!;
}

function checkNames(files: readonly OutputFile[]): void {
  const seen = new Set<string>([MANIFEST_NAME]);
  for (const { name } of files) {
    if (name === '' || name === '.' || name === '..' || name.startsWith('.') || /[/\\\0]/.test(name)) {
      throw new Error(`output folder: invalid file name ${JSON.stringify(name)}`);
    }
    if (seen.has(name)) throw new Error(`output folder: duplicate or reserved file name ${JSON.stringify(name)}`);
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

/** Best-effort fsync of a folder, so that renames in it are durable. */
async function syncFolder(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not supported everywhere (e.g. Windows)
  }
}

/** A file system error while preparing or publishing, as the one-line input error the CLI prints. */
function asInputError(error: unknown, label: string, dir: string): unknown {
  const code = errorCode(error);
  return code ? new BraggInputError(`${label} ${dir}: cannot write there (${code})`) : error;
}

/** Checks DIR, takes its lock, sweeps leftovers and creates the staging folder (see the file comment). */
export async function openOutputFolder(dirArgument: string, options: OutputFolderOptions = {}): Promise<OutputFolder> {
  const label = options.label ?? '--out';
  if (typeof dirArgument !== 'string' || dirArgument.trim() === '') {
    throw new BraggInputError(`${label}: expected a folder path, got ${JSON.stringify(dirArgument)}`);
  }
  const dir = await realTarget(resolve(dirArgument));
  if (PSEUDO_ROOTS.some((root) => dir === root || dir.startsWith(root + sep))) {
    throw new BraggInputError(`${label} ${dirArgument}: ${dir} is on a pseudo file system (/proc, /sys, /dev): choose a folder on a disk`);
  }
  if (dirname(dir) === dir) throw new BraggInputError(`${label} ${dirArgument}: the root folder cannot be an output folder`);
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new BraggInputError(`${label} ${dirArgument}: exists and is not a folder`);
    if (!(await isBraggFolder(dir))) {
      throw new BraggInputError(`${label} ${dirArgument}: holds files that bragg did not write (no bragg manifest.json); `
        + 'choose a new or empty folder (a run replaces the whole folder)');
    }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw asInputError(error, label, dirArgument);
  }
  try {
    await mkdir(dirname(dir), { recursive: true });
  } catch (error) {
    throw asInputError(error, label, dirArgument);
  }
  const lockPath = sidePath(dir, 'lock');
  try {
    acquireLock(lockPath, dirArgument, label);
  } catch (error) {
    throw asInputError(error, label, dirArgument);
  }
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = sidePath(dir, 'stage', id);
  const releaseSync = () => {
    rmSync(staging, { recursive: true, force: true });
    try {
      unlinkSync(lockPath);
    } catch {
      // already released
    }
  };
  try {
    await sweep(dir);
    await mkdir(staging);
  } catch (error) {
    releaseSync();
    throw asInputError(error, label, dirArgument);
  }

  let finished = false;
  const abandon = async () => {
    if (finished) return;
    finished = true;
    await rm(staging, { recursive: true, force: true });
    await unlink(lockPath).catch(() => undefined);
  };
  const publish = async (files: readonly OutputFile[]) => {
    if (finished) throw new Error('output folder: already published or abandoned');
    checkNames(files);
    const old = sidePath(dir, 'old', id);
    let movedAside = false;
    try {
      const entries: { name: string; bytes: number; sha256: string }[] = [];
      for (const file of files) {
        const bytes = typeof file.contents === 'string' ? Buffer.from(file.contents, 'utf8') : file.contents;
        await writeSynced(join(staging, file.name), bytes);
        entries.push({ name: file.name, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
      }
      const manifest: OutputManifest = { generator: 'bragg-engine', engineVersion: ENGINE_VERSION, files: entries };
      await writeSynced(join(staging, MANIFEST_NAME), JSON.stringify(manifest, null, 2) + '\n');
      await syncFolder(staging);
      await options.afterStep?.('staged');
      if (await exists(dir)) {
        await rename(dir, old);
        movedAside = true;
        await options.afterStep?.('moved-old-aside');
      }
      await rename(staging, dir);
      movedAside = false;
      await syncFolder(dirname(dir));
      await options.afterStep?.('published');
    } catch (error) {
      if (movedAside) await rename(old, dir).catch(() => undefined);
      await abandon();
      throw asInputError(error, label, dirArgument);
    }
    finished = true;
    await rm(old, { recursive: true, force: true });
    await unlink(lockPath).catch(() => undefined);
  };
  return {
    path: dir,
    publish,
    abandon,
    abandonSync: () => {
      if (finished) return;
      finished = true;
      releaseSync();
    },
  };
}

/**
 * Checks a published folder against its manifest.json: every listed file
 * present with its size and sha256, no file missing from the list. Returns
 * the problems found (empty when the folder is intact).
 */
export async function verifyOutputFolder(dir: string): Promise<string[]> {
  let manifest: OutputManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_NAME), 'utf8')) as OutputManifest;
  } catch (error) {
    return [`${MANIFEST_NAME}: ${errorCode(error) ?? (error as Error).message}`];
  }
  const problems: string[] = [];
  const listed = new Set<string>([MANIFEST_NAME]);
  for (const entry of manifest.files ?? []) {
    listed.add(entry.name);
    try {
      const bytes = await readFile(join(dir, entry.name));
      if (bytes.byteLength !== entry.bytes) problems.push(`${entry.name}: ${bytes.byteLength} bytes, manifest says ${entry.bytes}`);
      else if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256) problems.push(`${entry.name}: sha256 differs from the manifest`);
    } catch (error) {
      problems.push(`${entry.name}: ${errorCode(error) ?? (error as Error).message}`);
    }
  }
  for (const name of await readdir(dir)) if (!listed.has(name)) problems.push(`${name}: not in the manifest`);
  return problems;
}
