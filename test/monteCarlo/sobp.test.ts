// The spread-out Bragg peak helper (src/beam/sobp.ts): weights of pristine peaks by non-negative
// least squares; the plan it builds, run by the engine, is flat over the target depths.
import { describe, expect, it } from 'vitest';
import { nonNegativeLeastSquares, sobpPlan } from '../../src/beam/sobp.js';
import { simulate } from '../../src/simulate.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

describe('SOBP helper', () => {
  it('solves non-negative least squares (Lawson and Hanson): the unconstrained solution where it is >= 0, zeros where not', () => {
    // A = [[1, 0], [0, 1], [1, 1]], b = [1, 2, 3]: w = (1, 2) fits exactly
    const w = nonNegativeLeastSquares([Float64Array.of(1, 0, 1), Float64Array.of(0, 1, 1)], Float64Array.of(1, 2, 3));
    expect(w[0]).toBeCloseTo(1, 10);
    expect(w[1]).toBeCloseTo(2, 10);
    // b = [-1, 2, 1]: unconstrained w0 < 0; the fit takes w0 = 0, w1 = (2 + 1) / 2
    const v = nonNegativeLeastSquares([Float64Array.of(1, 0, 1), Float64Array.of(0, 1, 1)], Float64Array.of(-1, 2, 1));
    expect(v[0]).toBe(0);
    expect(v[1]).toBeCloseTo(1.5, 10);
    // a column that repeats another (a singular passive set) ends, with the same fit
    const u = nonNegativeLeastSquares([Float64Array.of(1, 0, 1), Float64Array.of(0, 1, 1), Float64Array.of(1, 0, 1)], Float64Array.of(1, 2, 3));
    expect(u[0]! + u[2]!).toBeCloseTo(1, 10);
    expect(u[1]).toBeCloseTo(2, 10);
    // tiny columns (a dose per primary is ~1e-12): the same answer scaled
    const t = nonNegativeLeastSquares([Float64Array.of(1e-12, 0, 1e-12), Float64Array.of(0, 1e-12, 1e-12)], Float64Array.of(1, 2, 3));
    expect(t[0]! * 1e-12).toBeCloseTo(1, 8);
    expect(t[1]! * 1e-12).toBeCloseTo(2, 8);
  });

  it('bragg sobp writes a plan file for bragg run --plan; a reversed range exits 2 with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-sobp-'));
    const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
    const sobp = (...args: string[]) => spawnSync(process.execPath, [bin, 'sobp', ...args], { encoding: 'utf8', timeout: 120_000, cwd: dir });
    const ok = sobp('--from', '30', '--to', '40', '--histories', '500', '--out', 'plan.json', '--json');
    expect(ok.status).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    expect(plan.fields[0].layers.length).toBe(JSON.parse(ok.stdout).layers);
    expect(plan.fields[0].gantryAngleDeg).toBe(90);
    const bad = sobp('--from', '40', '--to', '30');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const thin = sobp('--from', '10.6', '--to', '10.9', '--out', 'thin.json');
    expect(thin.status).toBe(2);
    expect(thin.stderr).toMatch(/holds no 1 mm slice centre/);
    const folder = sobp('--from', '30', '--to', '40', '--out', '.');
    expect(folder.status).toBe(2);
    expect(folder.stderr).toMatch(/--out \.: a folder/);
  });

  it('builds a plan whose depth-dose is flat within +-2 % over 60-100 mm of water (protons)', async () => {
    const target = [60, 100] as const;
    const sobp = await sobpPlan({ targetDepthMm: target, histories: 20_000, seed: 3 });
    const layers = sobp.plan.fields[0]!.layers;
    expect(layers.length).toBeGreaterThan(8);
    expect(sobp.fittedFlatness).toBeLessThan(0.02);
    // the deepest peaks weigh most (Bortfeld and Schlegel 1996)
    expect(layers[layers.length - 1]!.spots[0]![2]).toBeGreaterThan(layers[0]!.spots[0]![2]);
    // an independent run of the plan (other seeds): its laterally integrated dose over the target
    const run = await simulate({ beam: { particle: 'proton' }, phantom: sobp.phantom, plan: sobp.plan, transport: { histories: 100_000, seed: 99 }, scoring: { let: false } });
    const dose = run.depthDose.dose;
    const inside = [...dose.keys()].filter((iz) => iz + 0.5 >= target[0] && iz + 0.5 <= target[1]);
    const mean = inside.reduce((s, iz) => s + dose[iz]!, 0) / inside.length;
    const worst = Math.max(...inside.map((iz) => Math.abs(dose[iz]! / mean - 1)));
    expect(worst).toBeLessThan(0.02);
    // and it is a spread-out peak: far above the entrance, gone 15 mm beyond the target
    expect(dose[2]! / mean).toBeLessThan(0.8);
    expect(dose[target[1] + 15]! / mean).toBeLessThan(0.05);
  }, 120_000);
});
