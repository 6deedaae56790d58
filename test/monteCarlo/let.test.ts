// LET scoring (issue 10, item 5; assembly/letTally.ts, src/engine/letResults.ts).
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/index.js';
import { parseConfig } from '../../src/config/schema.js';
import { runMonteCarlo } from '../../src/engine/monteCarlo.js';
import { runParallel } from '../../src/engine/parallel/runParallel.js';
import { LET_FIELDS } from '../../src/engine/layout.js';
import { getIon, getMaterial, electronicStoppingPower } from '../../src/physics/index.js';

const beam150 = { energyMeVPerU: 150, spotSigmaMm: 2 };
const phantom = { sizeMm: [20, 20, 180] as [number, number, number], voxelSizeMm: [2, 2, 1] as [number, number, number] };
const same = (a: BigInt64Array | null | undefined, b: BigInt64Array | null | undefined) =>
  !!a && !!b && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Sum of one LET field over the depth slices [from, to). */
function sliceSum(letSum: BigInt64Array, voxelsPerSlice: number, from: number, to: number, name: (typeof LET_FIELDS)[number]): number {
  const k = LET_FIELDS.indexOf(name);
  let s = 0;
  for (let v = from * voxelsPerSlice; v < to * voxelsPerSlice; v++) s += Number(letSum[v * LET_FIELDS.length + k]!);
  return s;
}

describe('LET scoring', () => {
  it('LETt in the first millimetre of water is the stopping power of water at the mean energy there (150 MeV protons, within 2 %)', async () => {
    const r = await simulate({ beam: beam150, scoring: { let: true }, phantom, transport: { histories: 1000, seed: 3, nuclear: false } }, { threads: 1 });
    const lets = r.let!;
    const [iy, ix] = r.summary.let!.axisVoxel;
    const nx = r.summary.gridShape[2];
    const letT = lets.tWaterKeVPerUm[iy * nx + ix]!;
    // Mean energy in the first mm: 150 MeV less the loss over 0.5 mm (0.05 g/cm^2) of water.
    const proton = getIon('proton');
    const water = getMaterial('water');
    const meanEnergy = 150 - electronicStoppingPower(proton, water, 150) * 0.05;
    const reference = electronicStoppingPower(proton, water, meanEnergy) * 0.1; // MeV cm^2/g -> keV/um at 1 g/cm^3
    // PSTAR (NIST; I = 75 eV): 5.443 MeV cm^2/g at 150 MeV, 0.544 keV/um.
    expect(reference).toBeCloseTo(0.544, 2);
    expect(Math.abs(letT / reference - 1)).toBeLessThan(0.02);
    // With nuclear events off every particle is a primary: LETd of primaries is LETd; in water, medium = water.
    expect(lets.dPrimariesWaterKeVPerUm).toEqual(lets.dWaterKeVPerUm);
    expect(Math.abs(lets.dMediumKeVPerUm[iy * nx + ix]! / lets.dWaterKeVPerUm[iy * nx + ix]! - 1)).toBeLessThan(1e-6);
    console.log(`LETt first mm ${letT.toFixed(4)} keV/um, reference ${reference.toFixed(4)}; LETd entrance ${r.summary.let!.entranceDWaterKeVPerUm.toFixed(3)}, peak ${r.summary.let!.peakDWaterKeVPerUm.toFixed(3)} keV/um (depth index ${r.summary.let!.peakDepthIndex})`);
  });

  it('LETd rises from the entrance to the distal fall-off (5 mm blocks of the depth-slice LETd)', async () => {
    const r = await simulate({ beam: beam150, scoring: { let: true }, phantom, transport: { histories: 2000, seed: 5, nuclear: false } }, { threads: 1 });
    const depth = r.let!.depthDWaterKeVPerUm;
    const r80 = r.summary.r80Mm!;
    const blocks: number[] = [];
    for (let iz = 0; iz + 5 <= Math.floor(r80); iz += 5) {
      let s = 0;
      for (let k = iz; k < iz + 5; k++) s += depth[k]!;
      blocks.push(s / 5);
    }
    expect(blocks.length).toBeGreaterThan(25);
    for (let b = 1; b < blocks.length; b++) expect(blocks[b]!, `block ${b}`).toBeGreaterThan(blocks[b - 1]! * 0.995);
    expect(blocks.at(-1)! / blocks[0]!).toBeGreaterThan(4);
    console.log(`slice LETd: entrance ${depth[0]!.toFixed(3)}, last block before R80 ${blocks.at(-1)!.toFixed(3)} keV/um; R80 ${r80.toFixed(2)} mm`);
  });

  it('SIMD and scalar drivers give the same LET sums bit for bit (nuclear events on)', async () => {
    const config = parseConfig({ beam: beam150, scoring: { let: true }, phantom: { ...phantom,
      regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 30, zMaxMm: 45 }] }, transport: { histories: 600, seed: 9, nuclear: true } });
    const simd = await runMonteCarlo(config);
    const reference = await runMonteCarlo(config, { referenceDriver: true });
    const scalarBuild = await runMonteCarlo(parseConfig({ ...config, transport: { ...config.transport, kernel: 'scalar' } }));
    expect(same(simd.letSum, reference.letSum)).toBe(true);
    expect(same(simd.letSum, scalarBuild.letSum)).toBe(true);
  });

  it('1 and 2 threads give the same LET sums bit for bit', async () => {
    const config = parseConfig({ beam: beam150, scoring: { let: true }, phantom, transport: { histories: 600, seed: 11, nuclear: true } });
    const one = await runParallel(config, { threads: 1 });
    const two = await runParallel(config, { threads: 2, chunkSize: 37 });
    expect(same(one.letSum, two.letSum)).toBe(true);
  });

  it('with nuclear events on, LETd includes secondaries: above the primaries-only LETd in the entrance region', async () => {
    const config = parseConfig({ beam: beam150, scoring: { let: true }, phantom, transport: { histories: 3000, seed: 13, nuclear: true } });
    const t = await runMonteCarlo(config);
    const perSlice = t.phantom.nx * t.phantom.ny;
    const all = sliceSum(t.letSum!, perSlice, 0, 30, 'dWater') / sliceSum(t.letSum!, perSlice, 0, 30, 'dEnergy');
    const primaries = sliceSum(t.letSum!, perSlice, 0, 30, 'dPrimaryWater') / sliceSum(t.letSum!, perSlice, 0, 30, 'dPrimaryEnergy');
    console.log(`first 30 mm LETd: all ${(all * 256).toFixed(4)}, primaries ${(primaries * 256).toFixed(4)} keV/um`); // 2^-16 MeV keV/um over 2^-24 MeV
    expect(all / primaries).toBeGreaterThan(1.02);
  });

  it('scores LET by default; scoring.let false keeps no LET tallies', async () => {
    const run = (scoring: { let?: boolean }) => simulate({ beam: beam150, phantom: { ...phantom, sizeMm: [20, 20, 40] }, transport: { histories: 50 }, scoring }, { threads: 1 });
    const off = await run({ let: false });
    expect(off.let).toBeNull();
    expect(off.summary.let).toBeNull();
    const byDefault = await run({});
    expect(byDefault.let).not.toBeNull();
    expect(byDefault.summary.let!.entranceDWaterKeVPerUm).toBeGreaterThan(0);
  });
});
