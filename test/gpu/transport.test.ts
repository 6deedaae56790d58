import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.js';
import { runWebGpu } from '../../src/gpu/gpuEngine.js';
import { runParallel } from '../../src/engine/parallel/runParallel.js';
import { doseResults } from '../../src/engine/doseResults.js';
import { depthDoseMetrics } from '../../src/analysis/depthDose.js';
import { useGpuDevice } from '../helpers/gpu.js';
import { simulate } from '../../src/index.js';
import { csdaEnergyLossMeV } from '../helpers/energyLoss.js';

// The WGSL transport (shaders/transport.wgsl) on Mesa lavapipe, held to the WASM kernel.
const gpu = useGpuDevice();

const config = (seed: number, histories = 20_000) => parseConfig({
  beam: { energyMeVPerU: 150, spotSigmaMm: 3 },
  phantom: { sizeMm: [40, 40, 200], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 20, zMaxMm: 30 }] },
  transport: { histories, seed },
});

describe('WebGPU transport', () => {
  it('agrees with the WASM kernel within statistics (independent seeds): R80 within 0.1 mm, depth-dose |z| < 4, chi2/dof < 1.5', async () => {
    const onGpu = doseResults(await runWebGpu(config(1), { gpu: gpu() }));
    const onCpu = doseResults(await runParallel(config(2), { threads: 2 }));
    const r80 = (r: typeof onGpu) => depthDoseMetrics(r.depthMm, r.depthDoseGyMm2PerPrimary).r80Mm!;
    expect(Math.abs(r80(onGpu) - r80(onCpu))).toBeLessThan(0.1);
    let chi2 = 0, bins = 0;
    for (let i = 0; i < onGpu.depthMm.length; i++) {
      const s = Math.hypot(onGpu.depthDoseUncertaintyGyMm2PerPrimary[i]!, onCpu.depthDoseUncertaintyGyMm2PerPrimary[i]!);
      if (s === 0) continue;
      const z = (onGpu.depthDoseGyMm2PerPrimary[i]! - onCpu.depthDoseGyMm2PerPrimary[i]!) / s;
      expect(Math.abs(z)).toBeLessThan(4);
      chi2 += z * z;
      bins++;
    }
    expect(bins).toBeGreaterThan(150);
    expect(chi2 / bins).toBeLessThan(1.5);
    expect(Math.abs(onGpu.rangeStraggling.sigmaStopDepthMm / onCpu.rangeStraggling.sigmaStopDepthMm - 1)).toBeLessThan(0.05);
  });

  it('sums integer tallies: the same seed gives the same dose bit for bit, and energy is conserved', async () => {
    const a = await runWebGpu(config(5, 4000), { gpu: gpu() });
    const b = await runWebGpu(config(5, 4000), { gpu: gpu() });
    expect(Buffer.from(a.energySum.buffer).equals(Buffer.from(b.energySum.buffer))).toBe(true);
    const e = doseResults(a).energy;
    // nuclear events on (the default for protons): neutrons and gammas carry some of it away
    expect(e.neutralMeVPerPrimary).toBeGreaterThan(1);
    const accounted = e.depositedMeVPerPrimary + e.escapedMeVPerPrimary + e.neutralMeVPerPrimary;
    expect(Math.abs(accounted / e.incidentMeVPerPrimary - 1)).toBeLessThan(1e-6);
    expect(a.sumVariance!.method).toBe('batches');
  });

  it('is chosen by backend: webgpu, and named with its adapter in the summary', async () => {
    const result = await simulate({ beam: { energyMeVPerU: 80 }, phantom: { sizeMm: [20, 20, 80] }, transport: { histories: 1000 } }, { backend: 'webgpu' });
    expect(result.summary.backend).toBe('webgpu');
    expect(result.summary.adapter).toMatch(/\S/);
    expect(result.summary.r80Mm!).toBeGreaterThan(50);
  });
});

describe('backend auto', () => {
  it('keeps to the WASM threads on a software adapter (lavapipe), even for a large run', async () => {
    const result = await simulate({
      beam: { energyMeVPerU: 10, spotSigmaMm: 1 }, phantom: { sizeMm: [10, 10, 4], voxelSizeMm: [2, 2, 0.5] },
      transport: { histories: 1_000_000 },
    }, { backend: 'auto' });
    expect(result.summary.backend).toBe('wasm');
  });
});

describe('a lost GPU', () => {
  it('hands the histories from the first unfinished batch to the WASM threads, with a warning, and loses nothing', async () => {
    const { runOnGpu } = await import('../../src/simulate.js');
    const { requestGpuDevice } = await import('../../src/gpu/device.js');
    const resolved = config(9, 8000);
    const warnings: string[] = [];
    const device = (await requestGpuDevice())!;
    const tallies = await runOnGpu(resolved, { gpu: device, loseDeviceAfterBatches: 3, threads: 2 }, warnings);
    expect(warnings.join(' ')).toMatch(/WebGPU stopped after 600 of 8000 histories/);
    expect(tallies.histories).toBe(8000);
    expect(Number(tallies.counters.histories)).toBe(8000);
    const e = doseResults(tallies).energy;
    expect(Math.abs((e.depositedMeVPerPrimary + e.escapedMeVPerPrimary + e.neutralMeVPerPrimary) / e.incidentMeVPerPrimary - 1)).toBeLessThan(1e-6);
    // the same histories (same seed, same random streams) on the WASM threads alone
    const reference = doseResults(await runParallel(resolved, { threads: 2 }));
    const combined = doseResults(tallies);
    const r80 = (r: typeof combined) => depthDoseMetrics(r.depthMm, r.depthDoseGyMm2PerPrimary).r80Mm!;
    expect(Math.abs(r80(combined) - r80(reference))).toBeLessThan(0.1);
    // the uncertainty of the combined run (GPU batches + WASM histories) is that of one run of 8000 histories
    const peak = reference.depthDoseGyMm2PerPrimary.indexOf(Math.max(...reference.depthDoseGyMm2PerPrimary));
    const ratio = combined.depthDoseUncertaintyGyMm2PerPrimary[peak]! / reference.depthDoseUncertaintyGyMm2PerPrimary[peak]!;
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });
});

describe('WebGPU against WASM at 10^6 histories (independent seeds)', () => {
  it('depth-dose and lateral profiles pass gamma 1%/1 mm at >= 99%, and R80 agrees within 0.1 mm', async () => {
    const { gamma1d } = await import('../../src/analysis/gamma.js');
    const million = (seed: number) => parseConfig({
      beam: { energyMeVPerU: 100, spotSigmaMm: 3 }, phantom: { sizeMm: [40, 40, 100], voxelSizeMm: [1, 1, 1] },
      transport: { histories: 1_000_000, seed },
    });
    const onGpu = doseResults(await runWebGpu(million(1), { gpu: gpu() }));
    const onCpu = doseResults(await runParallel(million(2), { threads: 2 }));
    expect(gamma1d(onCpu.depthMm, onCpu.depthDoseGyMm2PerPrimary, onGpu.depthDoseGyMm2PerPrimary).passRate).toBeGreaterThanOrEqual(0.99);
    const r80 = (r: typeof onGpu) => depthDoseMetrics(r.depthMm, r.depthDoseGyMm2PerPrimary).r80Mm!;
    expect(Math.abs(r80(onGpu) - r80(onCpu))).toBeLessThan(0.1);
    // lateral (x) profiles through the beam axis (the two central rows), at the entrance, mid-range and before
    // the peak (in the distal fall-off a 1-D lateral gamma cannot absorb depth differences)
    const n = 40;
    const xMm = Array.from({ length: n }, (_, ix) => -19.5 + ix);
    for (const iz of [10, 40, 70]) {
      const profile = (r: typeof onGpu) => xMm.map((_, ix) =>
        r.doseGyPerPrimary[(iz * n + 19) * n + ix]! + r.doseGyPerPrimary[(iz * n + 20) * n + ix]!);
      const result = gamma1d(xMm, profile(onCpu), profile(onGpu));
      expect(result.evaluatedPoints).toBeGreaterThan(10);
      expect(result.passRate, `depth ${iz} mm`).toBeGreaterThanOrEqual(0.99);
    }
  });
});

describe('WebGPU lateral probe', () => {
  it('records the spread of a pencil beam at mid-range like the WASM kernel (within 3%)', async () => {
    const probeConfig = (seed: number) => parseConfig({
      beam: { energyMeVPerU: 150, spotSigmaMm: 0, centerMm: [1, -2] }, phantom: { sizeMm: [60, 60, 200] },
      // Multiple scattering alone: elastic nuclear events' wide angles make the second moment too noisy for 3 % here.
      transport: { histories: 20_000, seed, nuclear: false }, scoring: { lateralProbeDepthMm: 79 },
    });
    const onGpu = doseResults(await runWebGpu(probeConfig(3), { gpu: gpu() })).lateralProbe!;
    const onCpu = doseResults(await runParallel(probeConfig(4), { threads: 2 })).lateralProbe!;
    expect(onGpu.particlesPerPrimary).toBeGreaterThan(0.99);
    expect(Math.abs(onGpu.meanXMm - 1)).toBeLessThan(0.05);
    expect(Math.abs(onGpu.meanYMm + 2)).toBeLessThan(0.05);
    expect(Math.abs(onGpu.sigmaXMm / onCpu.sigmaXMm - 1)).toBeLessThan(0.03);
    expect(Math.abs(onGpu.sigmaYMm / onCpu.sigmaYMm - 1)).toBeLessThan(0.03);
  });
});

describe('one physics definition', () => {
  it('with the same seed, the WGSL and WASM kernels take the same steps and deposit the same energies', async () => {
    // Same random streams, same tables, same f32 approximations: histories agree step by step (a rare
    // last-bit difference can send one history its own way), so a change in either kernel's physics that
    // the other does not share moves many histories at once and shows up here (a 1.5% change in the
    // scattering angle already does).
    const same = parseConfig({
      beam: { energyMeVPerU: 120, spotSigmaMm: 2 }, phantom: { sizeMm: [30, 30, 120], regions: [{ shape: 'slab', material: 'pmma', zMinMm: 20, zMaxMm: 30 }] },
      transport: { histories: 200, seed: 77 },
    });
    const onGpu = await runWebGpu(same, { gpu: gpu() });
    const onCpu = await runParallel(same, { threads: 1 });
    const steps = Number(onCpu.counters.steps);
    expect(Math.abs(Number(onGpu.counters.steps) - steps) / steps).toBeLessThan(0.002);
    let difference = 0, total = 0;
    for (let v = 0; v < onCpu.energySum.length; v++) {
      difference += Math.abs(Number(onGpu.energySum[v]! - onCpu.energySum[v]!));
      total += Number(onCpu.energySum[v]!);
    }
    expect(difference / total).toBeLessThan(0.01);
  });
});

describe('WebGPU at low density', () => {
  it('deposits the integral of S rho dl over 10 cm at 1e-4 g/cm3, and the same energy as the WASM kernel for the same seed', async () => {
    // As test/monteCarlo/lowDensity.test.ts: one voxel of water at 1e-4 g/cm3, 1 mm steps, whose range
    // loss (1e-5 g/cm2) is about ten ulps of the f32 residual range (stepScalar.ts, header).
    const low = parseConfig({
      beam: { energyMeVPerU: 150, spotSigmaMm: 0 },
      phantom: { sizeMm: [100, 100, 100], voxelSizeMm: [100, 100, 100], densityGPerCm3: 1e-4 },
      transport: { histories: 40_000, seed: 11, maxStepMm: 1 },
    });
    const onGpu = await runWebGpu(low, { gpu: gpu() });
    const results = doseResults(onGpu);
    const expected = csdaEnergyLossMeV('proton', 'water', 150, 1e-4, 10);
    const deposited = results.energy.depositedMeVPerPrimary;
    const sigma = results.doseGyPerPrimary[0]! > 0 ? (deposited * results.uncertaintyGyPerPrimary[0]!) / results.doseGyPerPrimary[0]! : 0;
    expect(Math.abs(deposited - expected)).toBeLessThanOrEqual(Math.max(0.005 * expected, 3 * sigma));
    expect(sigma).toBeLessThan(0.012 * expected);
    // same seed, same random streams: the same lumps of energy loss on the same steps
    const onCpu = await runParallel(low, { threads: 2 });
    const cpu = Number(onCpu.energySum[0]!);
    expect(Math.abs(Number(onGpu.energySum[0]!) / cpu - 1)).toBeLessThan(1e-3);
  });
});
