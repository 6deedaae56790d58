import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_VERSION } from '../../src/version.js';

// The CLI as users run it: the built bin (npm ci builds dist/).
const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

function bragg(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scratch = () => mkdtempSync(join(tmpdir(), 'bragg-cli-'));

describe('bragg run', () => {
  it('writes the outputs with a manifest and a JSON summary with the documented fields', () => {
    const out = join(scratch(), 'out');
    const r = bragg('run', '--histories', '300', '--energy', '70', '--seed', '3', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['density.mhd', 'density.npy', 'density.nrrd', 'density.raw', 'depth_dose.csv', 'depth_dose.svg', 'dose.mhd', 'dose.npy', 'dose.nrrd', 'dose.raw', 'let_d.mhd', 'let_d.npy', 'let_d.nrrd', 'let_d.raw', 'let_d_medium.npy', 'let_d_primaries.npy', 'let_t.npy', 'manifest.json', 'material.mhd', 'material.npy', 'material.nrrd', 'material.raw', 'rtdose.dcm', 'summary.json', 'uncertainty.mhd', 'uncertainty.npy', 'uncertainty.nrrd', 'uncertainty.raw']);
    const summary = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(summary);
    for (const key of ['particle', 'energyMeVPerU', 'histories', 'seed', 'backend', 'threads', 'peakDepthMm', 'r90Mm', 'r80Mm',
      'r20Mm', 'entranceToPeak', 'energyDepositedMeVPerPrimary', 'wallSeconds', 'historiesPerSecond', 'gridShape', 'voxelSizeMm',
      'engineVersion', 'doseQuantity', 'materialIds', 'config', 'lateralProbe', 'warnings', 'let']) {
      expect(summary, key).toHaveProperty(key);
    }
    expect(summary).toMatchObject({ particle: 'proton', energyMeVPerU: 70, histories: 300, seed: 3, gridShape: [300, 50, 50], voxelSizeMm: [1, 2, 2],
      doseQuantity: 'dose to medium', materialIds: ['water'] });
    expect(summary.config.transport).toMatchObject({ histories: 300, seed: 3, maxStepMm: 5, kernel: 'simd' }); // defaults filled in
    const npyHeader = readFileSync(join(out, 'dose.npy')).subarray(0, 128).toString('latin1');
    expect(npyHeader).toContain("'shape': (300, 50, 50)");
    const csv = readFileSync(join(out, 'depth_dose.csv'), 'utf8').split('\n');
    expect(csv.some((line) => line.startsWith('depth_mm,') && line.endsWith(',let_d_keV_per_um'))).toBe(true); // LET on by default (scoring.let)
    expect(summary.config.transport.nuclear).toBe(true); // nuclear events on by default for protons
    expect(readFileSync(join(out, 'depth_dose.svg'), 'utf8')).toContain('R80');
  });

  it('reads a config file, and flags override it', () => {
    const dir = scratch();
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ beam: { particle: 'helium', energyMeVPerU: 60 }, phantom: { sizeMm: [20, 20, 60] }, transport: { histories: 100 } }));
    const r = bragg('run', '--config', config, '--energy', '50', '--out', join(dir, 'o'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ particle: 'helium', energyMeVPerU: 50, histories: 100, gridShape: [60, 10, 10] });
  });
});

describe('bragg run --threads', () => {
  it('writes byte-identical dose.npy with 2 threads and with 1', () => {
    const dir = scratch();
    const common = ['run', '--histories', '2000', '--energy', '90', '--seed', '12'];
    expect(bragg(...common, '--threads', '1', '--out', join(dir, 'one')).code).toBe(0);
    const two = bragg(...common, '--threads', '2', '--out', join(dir, 'two'), '--json');
    expect(two.code).toBe(0);
    expect(JSON.parse(two.stdout).threads).toBe(2);
    expect(readFileSync(join(dir, 'one', 'dose.npy')).equals(readFileSync(join(dir, 'two', 'dose.npy')))).toBe(true);
    expect(readFileSync(join(dir, 'one', 'uncertainty.npy')).equals(readFileSync(join(dir, 'two', 'uncertainty.npy')))).toBe(true);
  });
});

describe('bragg --version', () => {
  it('prints the engine version on stdout and exits 0', () => {
    for (const flag of ['--version', '-V']) {
      const r = bragg(flag);
      expect(r).toEqual({ code: 0, stdout: `${ENGINE_VERSION}\n`, stderr: '' });
    }
  });
});

describe('bragg range', () => {
  it('prints stopping power and CSDA range as JSON', () => {
    const r = bragg('range', '--particle', 'proton', '--energy', '100', '--material', 'water', '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ particle: 'proton', energyMeVPerU: 100, material: 'water' });
    // NIST PSTAR, liquid water, 100 MeV: S_el 7.286 MeV cm2/g, CSDA range 7.718 g/cm2
    expect(o.stoppingPowerMeVCm2PerG).toBeCloseTo(7.286, 1);
    expect(o.csdaRangeGPerCm2).toBeCloseTo(7.718, 1);
  });
});

describe('bad input: one line on stderr, exit code 2, no output written', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown particle', ['run', '--particle', 'pion'], /particle/],
    ['negative energy', ['run', '--energy', '-5'], /energy/],
    ['energy above the tables', ['run', '--energy', '5000'], /energy/],
    ['energy that is not a number', ['run', '--energy', 'abc'], /--energy/],
    ['zero histories', ['run', '--histories', '0'], /histories/],
    ['unknown option', ['run', '--historys', '10'], /historys/],
    ['zero threads', ['run', '--threads', '0'], /threads/],
    ['a number in hex', ['run', '--histories', '0x10'], /--histories/],
    ['beam aimed outside the phantom (config)', ['run', '--config', 'BEAM_OUTSIDE'], /misses the phantom/],
    ['output path that is a file', ['run', '--histories', '10', '--out', 'A_FILE'], /--out .*: exists and is not a folder/],
    ['memory limit too small', ['run', '--memory-limit', '1'], /memory limit/],
    ['unreadable config', ['run', '--config', '/nonexistent/c.json'], /config/],
    ['unknown material (range)', ['range', '--particle', 'proton', '--energy', '100', '--material', 'unobtainium'], /unobtainium/],
    ['energy out of table (range)', ['range', '--particle', 'proton', '--energy', '1e9', '--material', 'water'], /energy/],
    ['unknown particle (range)', ['range', '--particle', 'muon', '--energy', '100', '--material', 'water'], /muon/],
  ];
  it.each(cases)('%s', (_name, template, pattern) => {
    const dir = scratch();
    const out = join(dir, 'out');
    writeFileSync(join(dir, 'beam.json'), JSON.stringify({ beam: { centerMm: [500, 0] } }));
    writeFileSync(join(dir, 'file'), 'not a directory');
    const args = template.map((a) => (a === 'BEAM_OUTSIDE' ? join(dir, 'beam.json') : a === 'A_FILE' ? join(dir, 'file') : a));
    const r = bragg(...args, ...(args[0] === 'run' && !args.includes('--out') ? ['--out', out] : []));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('invalid config: a typo in a key and a bad value are both named', () => {
    const dir = scratch();
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ beam: { energyMeV: 100 }, transport: { histories: -3 } }));
    const r = bragg('run', '--config', config, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/beam\.energyMeV/);
    expect(r.stderr).toMatch(/transport\.histories/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('no command: usage on stderr, exit 2', () => {
    const r = bragg();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: bragg/);
  });

  it('inverted and misplaced regions are named', () => {
    const dir = scratch();
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ phantom: { regions: [{ shape: 'slab', material: 'air', zMinMm: 50, zMaxMm: 20 }] } }));
    let r = bragg('run', '--config', config, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/phantom\.regions\.0\.zMaxMm/);
    writeFileSync(config, JSON.stringify({ phantom: { regions: [{ shape: 'box', material: 'air', minMm: [200, 200, 0], maxMm: [300, 300, 10] }] } }));
    r = bragg('run', '--config', config, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/regions\.0 contains no voxel/);
  });

  it('a config that is not JSON', () => {
    const dir = scratch();
    const config = join(dir, 'c.json');
    writeFileSync(config, '{ beam: ');
    const r = bragg('run', '--config', config, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
  });
});
