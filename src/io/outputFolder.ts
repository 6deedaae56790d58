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
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
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
  /** The same, synchronously, for signal handlers; false when the set was already published (nothing to abandon). */
  abandonSync(): boolean;
}

/** Files that earlier bragg versions wrote without a manifest: such a folder is still ours to replace. */
const LEGACY_OUTPUTS = new Set(['summary.json', 'depth_dose.csv', 'depth_dose.svg', 'dose.npy', 'uncertainty.npy']);
/** Pseudo file systems: writing there is never an output folder (and /proc can spin forever); /dev/shm, a tmpfs, is allowed. */
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

/**
 * Takes the lock, or throws naming the run that holds it. The lock file is
 * written in full beside it and then hard-linked into place, so it never
 * exists empty. A lock of a process that no longer runs on this host is taken
 * over by renaming it to a unique name first: of several runs that find the
 * same stale lock, only one can rename it, and that one checks that what it
 * renamed is the lock it judged stale (else it puts it back).
 */
function acquireLock(lockPath: string, dir: string, label: string): void {
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const mine = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(mine, 'wx', 0o644);
  try {
    writeSync(fd, JSON.stringify(me) + '\n');
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, lockPath);
        return;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const owner = readLockOwner(lockPath);
      if (owner && (owner.host !== me.host || processAlive(owner.pid))) {
        throw new BraggInputError(`${label} ${dir}: another bragg run (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}) `
          + `is writing this folder; if none is, remove ${lockPath}`);
      }
      if (!owner) {
        throw new BraggInputError(`${label} ${dir}: the lock ${lockPath} is not a bragg lock; if no run is writing this folder, remove it`);
      }
      const taken = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        renameSync(lockPath, taken);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue; // another run took it over first
        throw error;
      }
      const renamed = readLockOwner(taken);
      if (renamed && (renamed.pid !== owner.pid || renamed.startedAt !== owner.startedAt || renamed.host !== owner.host)) {
        // A live run's fresh lock replaced the stale one between the read and the rename: give it back.
        try {
          linkSync(taken, lockPath);
        } catch {
          // a third run holds the place now; the live run keeps its folder either way
        }
        unlinkSync(taken);
        continue;
      }
      unlinkSync(taken);
    }
    throw new BraggInputError(`${label} ${dir}: could not take the lock ${lockPath} (other runs keep taking it)`);
  } finally {
    unlinkSync(mine);
  }
}

/**
 * The entries of DIR that a run would lose: everything but the files its
 * bragg manifest lists (or, for folders of earlier versions without one, the
 * files those wrote). An empty folder has none.
 */
async function foreignEntries(dir: string): Promise<string[]> {
  const entries = await readdir(dir);
  let ours = LEGACY_OUTPUTS;
  if (entries.includes(MANIFEST_NAME)) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST_NAME), 'utf8')) as Partial<OutputManifest>;
      if (manifest.generator === 'bragg-engine' && Array.isArray(manifest.files)) {
        ours = new Set([MANIFEST_NAME, ...manifest.files.map((f) => f.name)]);
      }
    } catch {
      // not a bragg manifest: every entry is foreign
    }
  }
  return entries.filter((name) => !ours.has(name));
}

function refuseForeign(names: readonly string[], label: string, dir: string): void {
  if (names.length === 0) return;
  const listed = names.slice(0, 3).join(', ') + (names.length > 3 ? `, ... (${names.length} in all)` : '');
  throw new BraggInputError(`${label} ${dir}: holds files that bragg did not write (${listed}); a run replaces the whole folder, `
    + 'so move them or choose a new or empty folder');
}

/** Whether a side file's run (pid in its name, '<kind>-<pid>-<hex>' or 'lock.<pid>-<hex>') can no longer be running on this host. */
function sideFileOfDeadRun(name: string, prefix: string): boolean {
  const pid = /^(?:lock\.(?:stale-)?|stage-|old-)(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length))?.[1];
  return pid !== undefined && !processAlive(Number(pid));
}

/**
 * Under the lock: removes what killed runs left beside DIR (staging folders,
 * old sets, lock files being written); restores a previous set that was
 * moved aside but never replaced.
 */
async function sweep(dir: string): Promise<void> {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.bragg-`;
  const names = (await readdir(parent)).filter((name) => name.startsWith(prefix));
  const olds = names.filter((name) => name.startsWith(`${prefix}old-`));
  if (olds.length > 0 && !(await exists(dir))) {
    const newest = await newestOf(olds.map((name) => join(parent, name)));
    await rename(newest, dir);
  }
  for (const name of names) {
    // Staging folders and old sets are leftovers whoever left them (this run holds the lock); lock files of live runs stay.
    const isLockFile = name.startsWith(`${prefix}lock`);
    if (name === `${prefix}lock` || (isLockFile && !sideFileOfDeadRun(name, prefix))) continue;
    await rm(join(parent, name), { recursive: true, force: true });
  }
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
  if (!code) return error;
  const hint = code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
    ? ': bragg builds the new set beside the folder and swaps it in, so the folder\'s parent must be writable' : '';
  return new BraggInputError(`${label} ${dir}: cannot write there (${code})${hint}`);
}

/** Refuses places a whole-folder swap must not touch: pseudo file systems, the root, the working directory and its ancestors, mount points. */
function refusePlace(dir: string, label: string, dirArgument: string): void {
  if (PSEUDO_ROOTS.some((root) => dir === root || dir.startsWith(root + sep)) && !dir.startsWith('/dev/shm' + sep)) {
    throw new BraggInputError(`${label} ${dirArgument}: ${dir} is on a pseudo file system (/proc, /sys, /dev): choose a folder on a disk`);
  }
  if (dirname(dir) === dir) throw new BraggInputError(`${label} ${dirArgument}: the root folder cannot be an output folder`);
  const cwd = process.cwd();
  if (cwd === dir || cwd.startsWith(dir + sep)) {
    throw new BraggInputError(`${label} ${dirArgument}: is the working directory or contains it; a run replaces the whole folder, so choose a folder below it`);
  }
  try {
    if (statSync(dir).dev !== statSync(dirname(dir)).dev) {
      throw new BraggInputError(`${label} ${dirArgument}: is a mount point, which cannot be swapped for a new folder; choose a folder inside it`);
    }
  } catch (error) {
    if (error instanceof BraggInputError) throw error;
  }
}

/** Checks DIR, takes its lock, sweeps leftovers and creates the staging folder (see the file comment). */
export async function openOutputFolder(dirArgument: string, options: OutputFolderOptions = {}): Promise<OutputFolder> {
  const label = options.label ?? '--out';
  if (typeof dirArgument !== 'string' || dirArgument.trim() === '') {
    throw new BraggInputError(`${label}: expected a folder path, got ${JSON.stringify(dirArgument)}`);
  }
  const dir = await realTarget(resolve(dirArgument));
  const link = await lstat(dir).catch(() => null);
  if (link?.isSymbolicLink()) throw new BraggInputError(`${label} ${dirArgument}: is a symbolic link to nothing; remove it or point it at a folder`);
  refusePlace(dir, label, dirArgument);
  let previous: { mode: number; uid: number; gid: number } | null = null;
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new BraggInputError(`${label} ${dirArgument}: exists and is not a folder`);
    refuseForeign(await foreignEntries(dir), label, dirArgument);
    previous = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
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
  const old = sidePath(dir, 'old', id);
  const releaseLock = () => {
    try {
      unlinkSync(lockPath);
    } catch {
      // already released
    }
  };
  try {
    await sweep(dir);
    await mkdir(staging);
    if (previous) {
      // The new folder keeps the old one's permissions, setgid bit and group (the owner where allowed).
      await chmod(staging, previous.mode);
      await chown(staging, previous.uid, previous.gid).catch(() => chown(staging, -1, previous!.gid).catch(() => undefined));
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    releaseLock();
    throw asInputError(error, label, dirArgument);
  }

  let state: 'open' | 'published' | 'abandoned' = 'open';
  const abandonSync = (): boolean => {
    if (state !== 'open') return false;
    state = 'abandoned';
    rmSync(staging, { recursive: true, force: true });
    releaseLock();
    return true;
  };
  const publish = async (files: readonly OutputFile[]) => {
    if (state !== 'open') throw new Error('output folder: already published or abandoned');
    checkNames(files);
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
      // Files added to DIR while the run went on would be lost with it: look again, under the lock.
      if (await exists(dir)) refuseForeign(await foreignEntries(dir), label, dirArgument);
    } catch (error) {
      abandonSync();
      throw asInputError(error, label, dirArgument);
    }
    // The swap is synchronous: no signal handler (they run on the event loop) can fall between its renames.
    try {
      let movedAside = false;
      try {
        renameSync(dir, old);
        movedAside = true;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
      if (movedAside) void options.afterStep?.('moved-old-aside');
      try {
        renameSync(staging, dir);
      } catch (error) {
        if (movedAside) renameSync(old, dir);
        throw error;
      }
      state = 'published';
    } catch (error) {
      abandonSync();
      throw asInputError(error, label, dirArgument);
    }
    await syncFolder(dirname(dir));
    await options.afterStep?.('published');
    await rm(old, { recursive: true, force: true });
    releaseLock();
  };
  return {
    path: dir,
    publish,
    abandon: async () => { abandonSync(); },
    abandonSync,
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
