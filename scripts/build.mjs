#!/usr/bin/env node
/**
 * `npm run build`, skipping what is up to date, so that `npm test` after an
 * edit of TypeScript does not recompile the kernels (~30 s of the ~40 s).
 *
 *   kernels  build/*.wasm   asc, 4 targets; rebuilt when a file of assembly/,
 *                           asconfig.json or the compiler's version is newer
 *                           than the oldest kernel, or a kernel is missing
 *   library  dist/          tsc --incremental (tsc itself decides what to
 *                           re-emit; its state file sits in dist/ and so goes
 *                           when dist/ is removed, and is dropped when an
 *                           output of a source is missing)
 *   browser  dist/browser/  esbuild, always (~0.3 s)
 *
 * A fresh clone has none of the outputs, so it builds everything. `--force`
 * (`npm run build -- --force`) rebuilds everything anyway; the scripts
 * build:wasm, build:ts and build:browser run one step unconditionally.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const force = process.argv.includes('--force');
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;

/** The kernel targets of asconfig.json and the files they write. */
const asconfig = JSON.parse(readFileSync(join(root, 'asconfig.json'), 'utf8'));
const kernels = Object.values(asconfig.targets).map((target) => join(root, target.outFile));
const kernelInputs = [
  ...filesUnder(join(root, 'assembly')),
  join(root, 'asconfig.json'),
  join(root, 'node_modules/assemblyscript/package.json'),
];
const TS_BUILD_INFO = join(root, 'dist/.tsbuildinfo');

if (force || !upToDate(kernels, kernelInputs)) {
  run('build:wasm');
} else {
  console.log('build: kernels up to date (build/*.wasm)');
}
// tsc --incremental trusts its state file: were an output deleted by hand, it would not write it again.
const compiled = ['src', 'bench'].flatMap((dir) => filesUnder(join(root, dir)))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => join(root, 'dist', relative(root, file)).replace(/\.ts$/, '.js'));
if (force || !compiled.every((file) => existsSync(file))) {
  rmSync(TS_BUILD_INFO, { force: true });
}
run('build:ts', ['--incremental', '--tsBuildInfoFile', JSON.stringify(TS_BUILD_INFO)]);
run('build:browser');

/** Runs an npm script of package.json, with node_modules/.bin on the PATH as npm would; extra arguments appended. */
function run(name, extra = []) {
  const command = [scripts[name], ...extra].join(' ');
  console.log(`> ${command}`);
  const env = { ...process.env, PATH: [join(root, 'node_modules/.bin'), process.env.PATH].join(delimiter) };
  const result = spawnSync(command, { cwd: root, env, shell: true, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** True when every output exists and none is older than an input. */
function upToDate(outputs, inputs) {
  if (!outputs.every((file) => existsSync(file))) return false;
  const oldestOutput = Math.min(...outputs.map(mtimeMs));
  return inputs.every((file) => !existsSync(file) || mtimeMs(file) <= oldestOutput);
}

function mtimeMs(file) {
  return statSync(file).mtimeMs;
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name)); // parentPath: Node >= 20.12
}
