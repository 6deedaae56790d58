import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy } from '../../src/io/npy.js';

// The CLI as users run it: the built bin (npm ci builds dist/).
const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

function bragg(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scratch = () => mkdtempSync(join(tmpdir(), 'bragg-compare-'));

/** Two Monte Carlo runs of 70 MeV protons that differ only in the seed, shared by the tests below. */
let runs = '';
beforeAll(() => {
  runs = scratch();
  for (const seed of ['1', '2']) {
    const r = bragg(runs, 'run', '--histories', '2000', '--energy', '70', '--seed', seed, '--out', `seed${seed}`, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
});

describe('bragg compare', () => {
  it('compares two runs: gamma pass rates, R80 difference, the compared quantity and an overlay plot', () => {
    const r = bragg(runs, 'compare', 'seed1', 'seed2', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const o = JSON.parse(r.stdout);
    for (const key of ['gammaPassRate2pct2mm', 'gammaPassRate1pct1mm', 'r80DifferenceMm', 'evaluatedPoints', 'maxGamma2pct2mm',
      'maxGamma1pct1mm', 'r80MmA', 'r80MmB', 'comparedQuantity', 'overlayPlot']) {
      expect(o, key).toHaveProperty(key);
    }
    for (const rate of [o.gammaPassRate2pct2mm, o.gammaPassRate1pct1mm]) {
      expect(rate).toBeGreaterThanOrEqual(0);
      expect(rate).toBeLessThanOrEqual(1);
    }
    expect(o.gammaPassRate2pct2mm).toBeGreaterThanOrEqual(o.gammaPassRate1pct1mm);
    expect(o.evaluatedPoints).toBeGreaterThan(50);
    expect(Math.abs(o.r80DifferenceMm)).toBeLessThan(1);
    expect(o.r80DifferenceMm).toBeCloseTo(o.r80MmB - o.r80MmA, 12);
    // The R80 of the y-integrated dose is the run's own R80 (same laterally integrated depth-dose).
    const summaryA = JSON.parse(readFileSync(join(runs, 'seed1', 'summary.json'), 'utf8'));
    expect(o.r80MmA).toBeCloseTo(summaryA.r80Mm, 9);
    expect(o.comparedQuantity).toMatch(/integrated over y/);
    // Default plot path: the current directory.
    expect(o.overlayPlot).toBe('compare_depth_dose.svg');
    const svg = readFileSync(join(runs, 'compare_depth_dose.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['A (reference): seed1', 'B (evaluated): seed2', 'R80 A =', 'R80 B =', 'Depth (mm)', 'Gy mm^2 per primary']) {
      expect(svg).toContain(text);
    }
  });

  it('finds a folder identical to itself: pass rates 1 and 1, R80 difference 0; the plot goes where --out says', () => {
    const out = join(scratch(), 'plots', 'self.svg');
    const r = bragg(runs, 'compare', 'seed1', 'seed1', '--json', '--out', out);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ gammaPassRate2pct2mm: 1, gammaPassRate1pct1mm: 1, r80DifferenceMm: 0, maxGamma2pct2mm: 0, overlayPlot: out });
    expect(existsSync(out)).toBe(true);
  });

  it('prints a short table without --json', () => {
    const r = bragg(runs, 'compare', 'seed1', 'seed2', '--out', join(scratch(), 'p.svg'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2 %\/2 mm\s+pass rate \d+\.\d+ %/);
    expect(r.stdout).toMatch(/1 %\/1 mm\s+pass rate/);
    expect(r.stdout).toMatch(/R80\s+A \d+\.\d+ mm/);
    expect(r.stdout).toMatch(/integrated over y/);
  });

  it('reads a 2-D folder (dose already integrated over y, gridShape [nz, 1, nx]) as the same quantity', () => {
    // Build B from A: D2(z, x) = sum over y of dose * dy, stored with doseProjection 'integrated over y'.
    const dir = join(scratch(), 'projected');
    mkdirSync(dir);
    const summary = JSON.parse(readFileSync(join(runs, 'seed1', 'summary.json'), 'utf8'));
    const [nz, ny, nx] = summary.gridShape as [number, number, number];
    const dyMm = summary.voxelSizeMm[1] as number;
    const npy = readFileSync(join(runs, 'seed1', 'dose.npy'));
    const headerBytes = 10 + npy.readUInt16LE(8);
    const dose = new Float64Array(new Uint8Array(npy.subarray(headerBytes)).buffer);
    const projected = new Float64Array(nz * nx);
    for (let iz = 0; iz < nz; iz++) for (let iy = 0; iy < ny; iy++) for (let ix = 0; ix < nx; ix++) {
      projected[iz * nx + ix]! += dose[(iz * ny + iy) * nx + ix]! * dyMm;
    }
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summary, gridShape: [nz, 1, nx], doseProjection: 'integrated over y' }));
    writeFileSync(join(dir, 'dose.npy'), encodeNpy(projected, [nz, 1, nx]));
    const r = bragg(runs, 'compare', 'seed1', dir, '--json', '--out', join(scratch(), 'p.svg'));
    expect(r.stderr).toBe('');
    const o = JSON.parse(r.stdout);
    expect(o.gammaPassRate1pct1mm).toBe(1);
    expect(o.maxGamma1pct1mm).toBeLessThan(1e-6);
    expect(Math.abs(o.r80DifferenceMm)).toBeLessThan(1e-9);
  });
});

describe('bragg compare: bad input is one line on stderr and exit code 2', () => {
  /** A copy of the seed-1 folder, changed by `edit`. */
  function brokenCopy(edit: (dir: string) => void): string {
    const dir = join(scratch(), 'broken');
    cpSync(join(runs, 'seed1'), dir, { recursive: true });
    edit(dir);
    return dir;
  }
  const summaryWith = (dir: string, change: Record<string, unknown>) => {
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summary, ...change }));
  };
  const cases: Array<[string, () => string, RegExp]> = [
    ['a folder that does not exist', () => join(scratch(), 'nowhere'), /nowhere/],
    ['no summary.json', () => brokenCopy((d) => rmSync(join(d, 'summary.json'))), /summary\.json: ENOENT/],
    ['summary.json that is not JSON', () => brokenCopy((d) => writeFileSync(join(d, 'summary.json'), '{"gridShape": [')), /not valid JSON/],
    ['summary.json without gridShape', () => brokenCopy((d) => summaryWith(d, { gridShape: undefined })), /gridShape/],
    ['no dose.npy', () => brokenCopy((d) => rmSync(join(d, 'dose.npy'))), /dose\.npy: ENOENT/],
    ['an empty dose.npy', () => brokenCopy((d) => writeFileSync(join(d, 'dose.npy'), '')), /dose\.npy: not a \.npy file/],
    ['truncated dose.npy', () => brokenCopy((d) => writeFileSync(join(d, 'dose.npy'), readFileSync(join(d, 'dose.npy')).subarray(0, 1000))), /data bytes/],
    ['float32 dose.npy', () => brokenCopy((d) => writeFileSync(join(d, 'dose.npy'), encodeNpy(new Float32Array(300 * 50 * 50), [300, 50, 50]))), /<f8/],
    ['a shape that disagrees with the summary', () => brokenCopy((d) => summaryWith(d, { gridShape: [300, 25, 100] })), /shape/],
    ['a grid that does not overlap', () => brokenCopy((d) => summaryWith(d, { gridOriginMm: [500, -50, -50] })), /overlap/],
    ['zero dose', () => brokenCopy((d) => writeFileSync(join(d, 'dose.npy'), encodeNpy(new Float64Array(300 * 50 * 50), [300, 50, 50]))), /no positive dose/],
    ['an unknown projection', () => brokenCopy((d) => summaryWith(d, { doseProjection: 'averaged over y' })), /doseProjection/],
  ];
  it.each(cases)('%s', (_name, makeB, pattern) => {
    const out = join(scratch(), 'p.svg');
    const r = bragg(runs, 'compare', 'seed1', makeB(), '--json', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^bragg: /);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing argument, a bad --threshold, an --out that is a folder', () => {
    for (const args of [['compare', 'seed1'], ['compare', 'seed1', 'seed2', '--threshold', '1.5'], ['compare', 'seed1', 'seed2', '--out', 'seed2']]) {
      const r = bragg(runs, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
