// Treatment plans (src/beam/planSpots.ts; kernels: lanes.ts spotOfHistory): fields, energy layers
// and weighted spots; histories go to spots in order, in proportion to their weights.
import { describe, expect, it } from 'vitest';
import { simulate, type SimulationResult } from '../../src/simulate.js';
import { parseConfig } from '../../src/config/schema.js';
import { planSpots } from '../../src/beam/planSpots.js';
import { phantomShape } from '../../src/geometry/phantom.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const phantom = { sizeMm: [60, 60, 60], voxelSizeMm: [2, 2, 2] } as const;
const same = (a: SimulationResult, b: SimulationResult) => Buffer.from(a.dose.buffer).equals(Buffer.from(b.dose.buffer));

describe('treatment plans', () => {
  it('a plan of one spot is the beam of that spot, bit for bit', async () => {
    const transport = { histories: 3000, seed: 7 };
    const beam = await simulate({ beam: { energyMeVPerU: 70, spotSigmaMm: 3, gantryAngleDeg: 40, centerMm: [5, -3], sourceAxisDistanceMm: 2000 }, phantom, transport }, { threads: 1 });
    const plan = await simulate({
      plan: { fields: [{ gantryAngleDeg: 40, sourceAxisDistanceMm: 2000, layers: [{ energyMeVPerU: 70, spotSigmaMm: 3, spots: [[5, -3, 1e9]] }] }] },
      phantom, transport,
    }, { threads: 1 });
    expect(plan.summary.energyDepositedMeVPerPrimary).toBeGreaterThan(60);
    expect(same(plan, beam)).toBe(true);
  });

  it('gives histories to spots in proportion to their weights, by history number alone', () => {
    const config = parseConfig({
      plan: { fields: [{ gantryAngleDeg: 0, layers: [{ energyMeVPerU: 70, spots: [[0, 0, 1], [5, 0, 2], [10, 0, 1e-9], [-5, 0, 1]] }] }] },
      phantom, transport: { histories: 1000 },
    });
    const spots = planSpots(config, phantomShape(config))!;
    // weights 1 : 2 : 1e-9 : 1 of W = 4 + 1e-9: spots start at floor(1000 C / W) = 0, 249, 749 and 750
    // (the third draws one history, the others 249, 500 and 250: none is off its share by one)
    expect([...spots.firstHistory]).toEqual([0, 249, 749, 750]);
    expect(spots.totalWeight).toBeCloseTo(4, 6);
    // the resolved beam's energy is the highest layer's
    expect(config.beam.energyMeVPerU).toBe(70);
  });

  it('two fields give the weighted sum of their doses; any thread count gives the same bytes', async () => {
    const layer = (energy: number) => ({ energyMeVPerU: energy, spotSigmaMm: 4, spots: [[0, 0, 1]] as [number, number, number][] });
    const transport = { histories: 8000, seed: 3 };
    const both = { plan: { fields: [{ gantryAngleDeg: 0, layers: [layer(70)] }, { gantryAngleDeg: 90, layers: [{ ...layer(80), spots: [[0, 0, 3]] as [number, number, number][] }] }] }, phantom, transport };
    const plan = await simulate(both, { threads: 1 });
    const onTwo = await simulate(both, { threads: 2 });
    expect(same(plan, onTwo)).toBe(true);
    const a = await simulate({ plan: { fields: [{ gantryAngleDeg: 0, layers: [layer(70)] }] }, phantom, transport: { histories: 8000, seed: 11 } }, { threads: 1 });
    const b = await simulate({ plan: { fields: [{ gantryAngleDeg: 90, layers: [layer(80)] }] }, phantom, transport: { histories: 8000, seed: 12 } }, { threads: 1 });
    // plan = 1/4 a + 3/4 b voxel by voxel, within statistics
    const max = Math.max(...plan.dose);
    let chi2 = 0, count = 0;
    plan.dose.forEach((d, v) => {
      if (d < 0.05 * max) return;
      const expected = 0.25 * a.dose[v]! + 0.75 * b.dose[v]!;
      const variance = plan.uncertainty[v]! ** 2 + (0.25 * a.uncertainty[v]!) ** 2 + (0.75 * b.uncertainty[v]!) ** 2;
      chi2 += (d - expected) ** 2 / variance;
      count++;
    });
    expect(count).toBeGreaterThan(300);
    expect(chi2 / count).toBeLessThan(1.3);
  }, 60_000);

  it('bragg run --plan runs a plan file; a plan that misses exits 2 with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-plan-'));
    const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
    const fields = [{ gantryAngleDeg: 90, layers: [{ energyMeVPerU: 70, spots: [[0, 0, 2e8], [4, 4, 1e8]] }] }];
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ fields }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ phantom }));
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'run', '--config', join(dir, 'config.json'), '--histories', '300', '--threads', '1', ...args], { encoding: 'utf8', timeout: 120_000 });
    const ok = run('--plan', join(dir, 'plan.json'), '--out', join(dir, 'out'), '--json');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).config.plan.fields[0].gantryAngleDeg).toBe(90);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ fields: [{ gantryAngleDeg: 90, layers: [{ energyMeVPerU: 70, spots: [[0, 40, 1]] }] }] }));
    const bad = run('--plan', join(dir, 'bad.json'), '--out', join(dir, 'out2'));
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/plan\.fields\.0\.layers\.0\.spots\.0: the spot at \[0, 40\] mm .* misses the phantom/);
  });

  it('refuses what it cannot deliver, in one line naming the field', async () => {
    const field = { gantryAngleDeg: 0, layers: [{ energyMeVPerU: 70, spots: [[0, 0, 1], [45, 0, 1]] }] };
    expect(() => parseConfig({ beam: { energyMeVPerU: 100 }, plan: { fields: [field] } })).toThrow(/plan: its fields, layers and spots give the beam; leave out beam\.energyMeVPerU/);
    expect(() => parseConfig({ solver: 'deterministic', plan: { fields: [field] } })).toThrow(/plan: the deterministic solver takes one beam/);
    expect(() => parseConfig({ plan: { fields: [{ ...field, layers: [] }] } })).toThrow(/plan\.fields\.0\.layers: must hold at least one energy layer/);
    expect(() => parseConfig({ plan: { fields: [{ ...field, layers: [{ energyMeVPerU: 70, spots: [[0, 0, 0]] }] }] } })).toThrow(/plan\.fields\.0\.layers\.0\.spots\.0\.2: must be a positive weight/);
    await expect(simulate({ plan: { fields: [field] }, phantom, transport: { histories: 10 } })).rejects.toThrow(/plan\.fields\.0\.layers\.0\.spots\.1: the spot at \[45, 0\] mm \(gantry 0, couch 0 degrees\) misses the phantom/);
  });
});
