import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
function bragg(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bragg run --solver deterministic, and bragg compare against the Monte Carlo', () => {
  it('writes the Monte Carlo\'s five outputs (dose integrated over y) and compares with gamma and R80', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-det-'));
    // --no-nuclear: the CLI's plumbing (both solvers with nuclear events: test/deterministic/nuclear.test.ts)
    const det = bragg('run', '--solver', 'deterministic', '--energy', '70', '--no-nuclear', '--out', join(dir, 'det'), '--json');
    expect(det.stderr).toBe('');
    expect(det.code).toBe(0);
    expect(readdirSync(join(dir, 'det')).sort()).toEqual(['density.mhd', 'density.npy', 'density.nrrd', 'density.raw', 'depth_dose.csv', 'depth_dose.svg', 'dose.mhd', 'dose.npy', 'dose.nrrd', 'dose.raw', 'manifest.json', 'material.mhd', 'material.npy', 'material.nrrd', 'material.raw', 'summary.json', 'uncertainty.mhd', 'uncertainty.npy', 'uncertainty.nrrd', 'uncertainty.raw']);
    const summary = JSON.parse(det.stdout);
    expect(summary).toMatchObject({ solver: 'deterministic', doseProjection: 'integrated over y', doseUnit: 'Gy mm per primary', gridShape: [300, 1, 50] });
    expect(Math.abs(summary.energyBalance)).toBeLessThan(1e-9);
    expect(readFileSync(join(dir, 'det', 'dose.npy')).subarray(0, 128).toString('latin1')).toContain("'shape': (300, 1, 50)");

    const mc = bragg('run', '--energy', '70', '--histories', '20000', '--seed', '5', '--no-nuclear', '--out', join(dir, 'mc'), '--json');
    expect(mc.code).toBe(0);
    const compare = bragg('compare', join(dir, 'mc'), join(dir, 'det'), '--json', '--out', join(dir, 'overlay.svg'));
    expect(compare.stderr).toBe('');
    expect(compare.code).toBe(0);
    const result = JSON.parse(compare.stdout);
    expect(result.gammaPassRate2pct2mm).toBeGreaterThanOrEqual(0.99);
    expect(result.gammaPassRate1pct1mm).toBeGreaterThan(0.9);
    expect(Math.abs(result.r80DifferenceMm)).toBeLessThan(0.5);
    expect(readFileSync(join(dir, 'overlay.svg'), 'utf8')).toContain('R80');
  }, 120_000);

  it('runs on WebGPU (a software adapter here) with the WASM solver\'s dose', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-det-'));
    const config = join(dir, 'small.json');
    writeFileSync(config, JSON.stringify({ solver: 'deterministic', beam: { energyMeVPerU: 70 }, phantom: { sizeMm: [40, 40, 60] }, transport: { nuclear: false } }));
    const gpu = bragg('run', '--config', config, '--backend', 'webgpu', '--out', join(dir, 'gpu'), '--json');
    expect(gpu.code).toBe(0);
    expect(JSON.parse(gpu.stdout)).toMatchObject({ backend: 'webgpu', variant: 'webgpu' });
    expect(bragg('run', '--config', config, '--out', join(dir, 'wasm')).code).toBe(0);
    const compare = JSON.parse(bragg('compare', join(dir, 'wasm'), join(dir, 'gpu'), '--json', '--out', join(dir, 'o.svg')).stdout);
    expect(compare.gammaPassRate1pct1mm).toBe(1);
    expect(compare.maxGamma1pct1mm).toBeLessThan(0.01); // f32 on the GPU, f64 in WASM: the same dose to ~1e-5
    expect(Math.abs(compare.r80DifferenceMm)).toBeLessThan(0.01);
  }, 120_000);

  it('refuses bad deterministic settings with one line and exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-det-'));
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ solver: 'deterministic', deterministic: { angleBins: 71 } }));
    const r = bragg('run', '--config', config, '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('deterministic.angleBins');
    // a grid far beyond memory is refused before any table of its size is built
    writeFileSync(config, JSON.stringify({ solver: 'deterministic', deterministic: { energyBins: 100000, angleBins: 3600 } }));
    const huge = bragg('run', '--config', config, '--out', join(dir, 'o'));
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/^bragg: deterministic.energyBins 100000: the phase-space grid .* needs \d+ MiB/);
    expect(huge.stderr.trim().split('\n')).toHaveLength(1);
    // stepMm: 0.01 mm to 100 mm; a step that makes too many energy bins is refused at once, naming it
    for (const stepMm of [1e-300, 1e-6]) {
      writeFileSync(config, JSON.stringify({ solver: 'deterministic', deterministic: { stepMm } }));
      const tiny = bragg('run', '--config', config, '--out', join(dir, 'o'));
      expect(tiny.code).toBe(2);
      expect(tiny.stderr).toBe(`bragg: invalid config (--config ${config}): deterministic.stepMm: must be at least 0.01 mm\n`);
    }
    writeFileSync(config, JSON.stringify({ solver: 'deterministic', deterministic: { stepMm: 0.02 } }));
    const started = performance.now();
    const fine = bragg('run', '--config', config, '--out', join(dir, 'o'));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(fine.code).toBe(2);
    expect(fine.stderr).toMatch(/^bragg: deterministic.stepMm 0.02 mm gives 7891 energy bins: the phase-space grid .* use a step of at least 0.649 mm, or fewer angle bins or cells\n$/);
    const ignored = bragg('run', '--solver', 'deterministic', '--energy', '50', '--histories', '10', '--out', join(dir, 'ok'));
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toBe('bragg: warning: --histories has no meaning for the deterministic solver (no histories, no random numbers)\n');
    const threads = bragg('run', '--solver', 'deterministic', '--threads', '0', '--out', join(dir, 'o'));
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain('threads: must be at least 1');
  });
});
