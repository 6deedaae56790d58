// Nuclear events in the deterministic solver (src/deterministic/README.md, "Nuclear events"):
// every channel in the energy balance, the same dose on any thread count and in both WASM
// builds, tables that follow the Monte Carlo's product code, and the dose against the Monte
// Carlo with transport.nuclear on.
import { describe, expect, it } from 'vitest';
import { parseConfig, type SimulationConfig } from '../../src/config/schema.js';
import { runDeterministic, type StepBalance } from '../../src/deterministic/solver.js';
import { buildNuclearTables } from '../../src/deterministic/nuclearTables.js';
import { buildPhaseSpaceGrid } from '../../src/deterministic/grid.js';
import { simulate } from '../../src/simulate.js';
import { BraggInputError } from '../../src/errors.js';
import { doseIntegratedOverY, compareDosePlanes } from '../../src/analysis/compareRuns.js';
import type { MaterialId } from '../../src/physics/index.js';

const bitsEqual = (a: Float64Array, b: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

// 70 MeV protons (41 mm in water) in a small water phantom: one energy bin per step (K = 1) keeps
// these fast (bone and lung ask for more, binsPerStep.ts; the comparisons below have them).
const small = (extra: SimulationConfig = {}): SimulationConfig => ({
  beam: { energyMeVPerU: 70, energySpreadMeVPerU: 0.5 },
  phantom: { sizeMm: [20, 20, 50], voxelSizeMm: [2, 2, 1] },
  transport: { nuclear: true },
  ...extra,
});

describe('deterministic solver: nuclear events', () => {
  it('conserves energy to 1e-9 per step and over the run with every channel: deposited + escaped + neutral + beyond the angle grid', async () => {
    const steps: StepBalance[] = [];
    const tallies = await runDeterministic(parseConfig(small()), { onStep: (b) => steps.push(b) });
    expect(steps.length).toBeGreaterThan(40);
    let worstParticles = 0, worstEnergy = 0;
    for (const s of steps) {
      const n = s.nuclear!;
      // particles: secondaries are created, nuclear events remove their parents
      worstParticles = Math.max(worstParticles, Math.abs(s.particlesBefore + n.secondaries - s.particlesAfter - s.escapedParticles - s.absorbedParticles - n.events)
        / s.particlesBefore);
      worstEnergy = Math.max(worstEnergy, Math.abs(s.energyBeforeMeV - s.energyAfterMeV - s.escapedEnergyMeV - s.depositedEnergyMeV
        - n.neutralEnergyMeV - n.leavingEnergyMeV) / s.energyBeforeMeV);
    }
    expect(worstParticles).toBeLessThan(1e-9);
    expect(worstEnergy).toBeLessThan(1e-9);
    const { totals, nuclear } = tallies;
    expect(tallies.remainingParticles).toBe(0);
    const balance = tallies.incidentEnergyMeV - totals.depositedEnergyMeV - totals.escapedEnergyMeV - nuclear!.neutralEnergyMeV - nuclear!.leavingEnergyMeV;
    expect(Math.abs(balance) / tallies.incidentEnergyMeV).toBeLessThan(1e-9);
    // every channel is there: 70 MeV protons, about 5.5 % with a nonelastic event, and elastic events; about a MeV to neutrals
    expect(nuclear!.events).toBeGreaterThan(0.1);
    expect(nuclear!.neutralEnergyMeV).toBeGreaterThan(0.5);
    expect(nuclear!.leavingEnergyMeV).toBeGreaterThan(0);
    expect(nuclear!.secondaries).toBeGreaterThan(0);
    expect(tallies.doseEnergyMeV.every((v) => v >= 0)).toBe(true);
  });

  it('gives the same dose, bit for bit, on 1 and 2 threads, scalar and SIMD', async () => {
    const config = parseConfig(small());
    const one = await runDeterministic(config, { threads: 1 });
    const two = await runDeterministic(config, { threads: 2 });
    const scalar = await runDeterministic(config, { threads: 1, variant: 'scalar' });
    expect(two.threads).toBe(2);
    expect(bitsEqual(two.doseEnergyMeV, one.doseEnergyMeV)).toBe(true);
    expect(bitsEqual(scalar.doseEnergyMeV, one.doseEnergyMeV)).toBe(true);
    // the tallies are sums over threads, in another order
    for (const [key, value] of Object.entries(one.nuclear!)) expect(two.nuclear![key as keyof NonNullable<typeof one.nuclear>]).toBeCloseTo(value, 12);
  });

  it('product tables: energy kept per node, no product above its source bin, the same on every build', async () => {
    const config = parseConfig(small());
    const grid = buildPhaseSpaceGrid(config, config.deterministic);
    const a = await buildNuclearTables(grid);
    const b = await buildNuclearTables(grid);
    expect(bitsEqual(a.yields, b.yields)).toBe(true);
    for (let g = 1; g < a.nNodes; g++) {
      let placed = 0;
      for (let j = 0; j < grid.ne; j++) placed += a.yieldTotal[g * grid.ne + j]! * grid.energyMeV[j]!;
      const sum = placed + a.nodeNeutralMeV[g]! + a.nodeLocalMeV[g]! + a.nodeLeavingMeV[g]!;
      expect(Math.abs(sum - a.nodeEnergyMeV[g]!)).toBeLessThan(1e-9 * a.nodeEnergyMeV[g]!);
      expect(a.nodeLocalMeV[g]!).toBeGreaterThanOrEqual(0);
    }
    // the products of a node lie below every bin that feeds it (the kernel relies on it; buildNuclearTables checks)
    for (let e = 0; e < grid.ne; e++) expect(a.nodeTop[a.nodeOf[e]!]!).toBeLessThanOrEqual(e + 1);
    // a 100 MeV event sends about a tenth of its energy to neutrals and binding (the Monte Carlo's 150 MeV: 4.8 MeV per primary for 0.16 events)
    const g60 = Math.round(60 / (a.nodeEnergyMeV[1]! - a.nodeEnergyMeV[0]!));
    expect(a.nodeNeutralMeV[g60]! / 60).toBeGreaterThan(0.1);
    expect(a.nodeNeutralMeV[g60]! / 60).toBeLessThan(0.5);
  });

  it('is refused, with one clear error, for ions (the WebGPU backend agrees with these kernels: gpu.test.ts)', async () => {
    const carbon = simulate({ beam: { particle: 'carbon', energyMeVPerU: 200 }, phantom: { sizeMm: [20, 20, 100] }, transport: { nuclear: true }, solver: 'deterministic' });
    await expect(carbon).rejects.toThrow(BraggInputError);
    await expect(carbon).rejects.toThrow(/deterministic solver is for proton beams only/);
  });
});

// Against the Monte Carlo with transport.nuclear on (issue 10: R80 within 0.5 mm, 2-D gamma
// 2 %/2 mm >= 99 % above 10 % of the maximum), as heterogeneous.test.ts compares them: phantom
// 40 mm wide, 2 mm voxels across and 1 mm in depth, slabs 20 mm thick at 30 mm.
// 100 000 histories: the Monte Carlo's one-sigma at the peak of the laterally integrated dose is
// under 0.5 % (asserted). Measured (R80 difference, gamma pass rate): water 100 MeV 0.09 mm, 100 %;
// water 150 MeV 0.10 mm, 100 %; bone 100 MeV 0.11 mm, 100 %; bone 150 MeV 0.20 mm, 100 %; lung
// 100 MeV 0.03 mm, 100 %; lung 150 MeV 0.20 mm, 100 %. Deterministic solver, one thread of a shared
// two-core machine: 0.4, 2.0, 7.5, 4.7, 1.8 and 9.0 s. Titanium 100 MeV 0.02 mm, 99.54 %; titanium
// 150 MeV 0.27 mm, 100 %: the slowest, 20 s each on one thread (K = 4 energy bins per step on cells
// finer than the voxels, with every energy bin occupied by secondaries).
interface Case { readonly material: MaterialId | 'water'; readonly energyMeVPerU: number; readonly depthMm: number }
const CASES: Case[] = [
  { material: 'water', energyMeVPerU: 100, depthMm: 100 },
  { material: 'water', energyMeVPerU: 150, depthMm: 180 },
  { material: 'compact-bone', energyMeVPerU: 100, depthMm: 80 },
  { material: 'compact-bone', energyMeVPerU: 150, depthMm: 160 },
  { material: 'lung', energyMeVPerU: 100, depthMm: 110 },
  { material: 'lung', energyMeVPerU: 150, depthMm: 190 },
  { material: 'titanium', energyMeVPerU: 100, depthMm: 80 },
  { material: 'titanium', energyMeVPerU: 150, depthMm: 160 },
];

describe.each(CASES)('deterministic vs Monte Carlo, nuclear on: $energyMeVPerU MeV, $material', (c) => {
  it('R80 within 0.5 mm, gamma 2 %/2 mm >= 99 %', async () => {
    const common = {
      beam: { energyMeVPerU: c.energyMeVPerU },
      phantom: {
        sizeMm: [40, 40, c.depthMm] as [number, number, number],
        regions: c.material === 'water' ? [] : [{ shape: 'slab' as const, material: c.material, zMinMm: 30, zMaxMm: 50 }],
      },
    };
    const mc = await simulate({ ...common, transport: { histories: 100_000, seed: 7, nuclear: true } }, { threads: 2 });
    const det = await simulate({ ...common, solver: 'deterministic' as const, transport: { nuclear: true } }, { threads: 2 });
    const mcPlane = doseIntegratedOverY({ gridShape: mc.summary.gridShape, voxelSizeMm: mc.summary.voxelSizeMm, gridOriginMm: mc.summary.gridOriginMm, integratedOverY: false }, mc.dose);
    const detPlane = doseIntegratedOverY({ gridShape: det.summary.gridShape, voxelSizeMm: det.summary.voxelSizeMm, gridOriginMm: det.summary.gridOriginMm, integratedOverY: true }, det.dose);
    const comparison = compareDosePlanes(mcPlane, detPlane);
    let peak = 0;
    mc.depthDose.dose.forEach((v, i) => { if (v > mc.depthDose.dose[peak]!) peak = i; });
    expect(mc.depthDose.uncertainty[peak]! / mc.depthDose.dose[peak]!).toBeLessThan(0.005);
    expect(det.summary.nuclearEventsPerPrimary).toBeGreaterThan(0);
    expect(Math.abs(comparison.r80DifferenceMm!)).toBeLessThan(0.5);
    expect(comparison.gamma2pct2mm.passRate).toBeGreaterThanOrEqual(0.99);
  });
});
