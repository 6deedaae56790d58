/**
 * The reliability cases of issue 9 through the CLI: each gives one clean
 * line and exit code 2 (or a correct result), before any transport and
 * without a large allocation; outputs appear as a whole set or not at all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyOutputFolder } from '../../src/io/outputFolder.js';

const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const scratch = () => mkdtempSync(join(tmpdir(), 'bragg-hard-'));

/** Runs the CLI; `maxRssMiB` is the child's peak resident memory. */
function bragg(...args: string[]) {
  const script = `process.on('exit', () => process.stderr.write('\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n')); await import(${JSON.stringify(bin)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  const rss = /\nMAXRSS (\d+)\n$/.exec(r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.replace(/\nMAXRSS \d+\n$/, ''), maxRssMiB: rss ? Number(rss[1]) / 1024 : NaN };
}

const small = { phantom: { sizeMm: [20, 20, 60], voxelSizeMm: [2, 2, 1] }, transport: { histories: 200 } };

describe('bad input through the CLI: one line, exit 2, nothing written, no large allocation', () => {
  const cases: Array<[string, unknown, string[], RegExp]> = [
    ['beam: 5', { beam: 5 }, [], /beam: .*expected object/],
    ['beam: null', { beam: null }, [], /beam: .*expected object/],
    ['transport: false', { transport: false }, [], /transport: .*expected object/],
    ['phantom: []', { phantom: [] }, [], /phantom: .*expected object/],
    ['scoring: true', { scoring: true }, [], /scoring: .*expected object/],
    ['materials: ""', { materials: '' }, [], /materials: .*expected (object|record)/],
    ['a config that is an array', [], [], /expected a JSON object, got an array/],
    ['a config that is a string', 'beam', [], /expected a JSON object, got string/],
    ['__proto__ in materials', JSON.parse('{"materials": {"__proto__": {"densityGPerCm3": 2}}}'), [], /key materials\.__proto__ is not allowed/],
    ['a misspelled region material', { phantom: { regions: [{ shape: 'slab', material: 'bone', zMinMm: 1, zMaxMm: 2 }] } }, [], /phantom\.regions\.0\.material: .*compact-bone/],
    ['a misspelled region key', { phantom: { regions: [{ shape: 'slab', material: 'lung', zMin: 1, zMaxMm: 2 }] } }, [], /unknown key phantom\.regions\.0\.zMin\b/],
    ['maxEnergyLossFraction 1e-6', { transport: { maxEnergyLossFraction: 1e-6 } }, [], /transport\.maxEnergyLossFraction: must be at least 0\.01/],
    ['an I-value of 1e4 eV', { materials: { water: { meanExcitationEnergyEV: 1e4 } } }, [], /materials\.water\.meanExcitationEnergyEV: must be at most 1000 eV/],
    ['an I-value of 1e-300 eV', { materials: { water: { meanExcitationEnergyEV: 1e-300 } } }, [], /materials\.water\.meanExcitationEnergyEV: must be at least 10 eV/],
    ['a 512 x 512 x 1024 grid', { phantom: { sizeMm: [512, 512, 1024], voxelSizeMm: [1, 1, 1] } }, [], /shared memory/],
    ['a grid beyond 2^28 voxels', { phantom: { sizeMm: [1024, 1024, 1024], voxelSizeMm: [1, 1, 1] } }, [], /phantom\.voxelSizeMm: .* voxels, more than/],
    ['deterministic.stepMm 1e-300', { solver: 'deterministic', deterministic: { stepMm: 1e-300 } }, [], /deterministic\.stepMm: must be at least 0\.01 mm/],
    ['deterministic.stepMm 1e-6', { solver: 'deterministic', deterministic: { stepMm: 1e-6 } }, [], /deterministic\.stepMm: must be at least 0\.01 mm/],
    ['a deterministic grid of 16000 x 16000 cells', { solver: 'deterministic', phantom: { sizeMm: [10000, 2, 10000], voxelSizeMm: [0.625, 2, 0.625] } }, [], /phase-space grid .* needs \d+ MiB, more than/],
    ['unknown option with a suggestion', small, ['--energi', '100'], /unknown option '--energi' \(Did you mean --energy\?\)/],
    ['an option where a value belongs', small, ['--energy', '--seed', '3'], /--energy <MeVPerU>.*got the option --seed/],
    ['a flag out of range names the flag', small, ['--energy', '-5'], /--energy \(beam\.energyMeVPerU\)/],
    ['--out under /proc', { ...small, transport: { histories: 1e9 } }, ['--out', '/proc/x'], /--out \/proc\/x: .*pseudo file system/],
    ['--out /dev/null', { ...small, transport: { histories: 1e9 } }, ['--out', '/dev/null'], /--out \/dev\/null: .*pseudo file system/],
    ['--out \'\'', small, ['--out', ''], /--out: expected a folder path/],
    ['--memory-limit NaN-like', small, ['--memory-limit', '0'], /--memory-limit must be from 1/],
  ];
  it.each(cases)('%s', (_name, config, flags, pattern) => {
    const dir = scratch();
    const path = join(dir, 'c.json');
    writeFileSync(path, JSON.stringify(config));
    const out = join(dir, 'out');
    const r = bragg('run', '--config', path, ...(flags.includes('--out') ? [] : ['--out', out]), ...flags);
    expect(r.stderr).toMatch(pattern);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['c.json']); // no lock, no staging folder
    expect(r.maxRssMiB).toBeLessThan(300);
  });

  it.each(['/dev/zero', '/dev/urandom'])('a config read from %s is refused after 1 MiB', (device) => {
    const r = bragg('run', '--config', device, '--out', join(scratch(), 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`--config ${device}: larger than 1 MiB`));
    expect(r.maxRssMiB).toBeLessThan(300);
  });
});

describe('outputs as one set', () => {
  it('a second writer of the same --out fails at once; the first publishes a verified set', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    const first = spawn(process.execPath, [bin, 'run', '--histories', '200000', '--energy', '100', '--threads', '1', '--out', out], { stdio: 'pipe' });
    const firstDone = new Promise<number | null>((resolve) => first.on('exit', resolve));
    // wait until the first run holds the lock
    while (!existsSync(join(dir, '.out.bragg-lock'))) await new Promise((r) => setTimeout(r, 20));
    const second = bragg('run', '--histories', '100', '--out', out);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/another bragg run \(pid \d+/);
    expect(await firstDone).toBe(0);
    expect(await verifyOutputFolder(out)).toEqual([]);
    expect(readdirSync(dir)).toEqual(['out']);
  }, 120_000);

  it('SIGINT removes the staging folder and the lock; SIGKILL leaves the old set, and the next run sweeps', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    expect(bragg('run', '--histories', '200', '--energy', '70', '--seed', '1', '--out', out).code).toBe(0);
    const oldSummary = readFileSync(join(out, 'summary.json'), 'utf8');
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      const child = spawn(process.execPath, [bin, 'run', '--histories', '1000000', '--threads', '1', '--out', out], { stdio: 'pipe' });
      const exited = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (code, sig) => resolve([code, sig])));
      while (readdirSync(dir).length < 3) await new Promise((r) => setTimeout(r, 20)); // out, lock, staging
      await new Promise((r) => setTimeout(r, 300)); // transporting
      child.kill(signal);
      const [code, sig] = await exited;
      if (signal === 'SIGINT') {
        expect(code).toBe(130);
        expect(readdirSync(dir)).toEqual(['out']);
      } else {
        expect(sig).toBe('SIGKILL');
        expect(readdirSync(dir).length).toBe(3); // the lock and staging of a dead run
      }
      expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(oldSummary);
      expect(await verifyOutputFolder(out)).toEqual([]);
    }
    // the dead run's lock and staging folder are swept by the next run
    const next = bragg('run', '--histories', '200', '--energy', '70', '--seed', '2', '--out', out, '--json');
    expect(next.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['out']);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).seed).toBe(2);
  }, 120_000);

  it('refuses to replace a folder of other files', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = bragg('run', '--histories', '100', '--out', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds files that bragg did not write/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
