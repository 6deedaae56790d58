// Beams in the room's geometry (IEC 61217 gantry and couch angles, isocentre, virtual source:
// src/beam/beamGeometry.ts; kernels: lanes.ts startHistory, the hinge of stepScalar.ts step 4).
import { describe, expect, it } from 'vitest';
import { simulate, type SimulationResult } from '../../src/simulate.js';
import { parseConfig } from '../../src/config/schema.js';
import { beamFrame, roomToPatient } from '../../src/beam/beamGeometry.js';
import { phantomShape } from '../../src/geometry/phantom.js';

const N = 30;  // 60 mm cube of water, 2 mm voxels, x and y centred, z from 0
const cube = { sizeMm: [60, 60, 60], voxelSizeMm: [2, 2, 2] } as const;
const beam = { particle: 'proton', energyMeVPerU: 70, spotSigmaMm: 3 } as const;
const run = (extra: object, seed: number, histories = 6000) =>
  simulate({ beam: { ...beam, ...extra }, phantom: cube, transport: { histories, seed } }, { threads: 1 });

/** Reduced chi-square of two doses over the voxels above 5 % of the maximum, b's voxel for a's taken through `map`. */
function chi2(a: SimulationResult, b: SimulationResult, map: (ix: number, iy: number, iz: number) => [number, number, number]): number {
  const max = Math.max(...a.dose);
  let sum = 0, count = 0;
  for (let iz = 0; iz < N; iz++) for (let iy = 0; iy < N; iy++) for (let ix = 0; ix < N; ix++) {
    const i = (iz * N + iy) * N + ix;
    const [jx, jy, jz] = map(ix, iy, iz);
    const j = (jz * N + jy) * N + jx;
    if (a.dose[i]! < 0.05 * max) continue;
    const variance = a.uncertainty[i]! ** 2 + b.uncertainty[j]! ** 2;
    sum += (a.dose[i]! - b.dose[j]!) ** 2 / variance;
    count++;
  }
  expect(count).toBeGreaterThan(300);
  return sum / count;
}

describe('IEC 61217 beam geometry', () => {
  it('turns the beam as matRad and IEC 61217 do: gantry 0 from anterior (+y), 90 from the patient\'s left (-x)', () => {
    const round = (v: readonly number[]) => v.map((c) => Math.round(c * 1e12) / 1e12 + 0);
    expect(round(roomToPatient(0, 0, [0, 1, 0]))).toEqual([0, 1, 0]);
    expect(round(roomToPatient(90, 0, [0, 1, 0]))).toEqual([-1, 0, 0]);
    expect(round(roomToPatient(180, 0, [0, 1, 0]))).toEqual([0, -1, 0]);
    // couch 90 and gantry 90: along the patient's +z, the beam's eye view x along +y and y along +x
    expect(round(roomToPatient(90, 90, [0, 1, 0]))).toEqual([0, 0, 1]);
    const frame = beamFrame(parseConfig({ beam: { gantryAngleDeg: 90, couchAngleDeg: 90 }, phantom: cube }), phantomShape(parseConfig({ phantom: cube })))!;
    expect(frame.direction).toEqual([0, 0, 1]);
    expect(frame.u).toEqual([0, 1, 0]);
    expect(frame.v).toEqual([1, 0, 0]);
    expect(frame.isocenterMm).toEqual([0, 0, 30]);  // the phantom's centre
  });

  it('a beam at gantry 90 gives the dose of gantry 0 turned by 90 degrees about z (within statistics)', async () => {
    const g0 = await run({ gantryAngleDeg: 0 }, 1);
    const g90 = await run({ gantryAngleDeg: 90 }, 2);
    // gantry 90 = gantry 0 turned by R: (x, y, z) -> (-y, x, z); its voxel (ix, iy) is gantry 0's (iy, N - 1 - ix)
    const turned = chi2(g90, g0, (ix, iy, iz) => [iy, N - 1 - ix, iz]);
    expect(turned).toBeLessThan(1.3);
    // unturned, the two doses do not match at all (the test can fail)
    expect(chi2(g90, g0, (ix, iy, iz) => [ix, iy, iz])).toBeGreaterThan(50);
    // every primary entered through the +x face: the dose peaks about the 70 MeV range (40.8 mm, PSTAR) inside it
    let peakX = 0, peak = 0;
    for (let ix = 0; ix < N; ix++) {
      let sum = 0;
      for (let iz = 0; iz < N; iz++) for (let iy = 0; iy < N; iy++) sum += g90.dose[(iz * N + iy) * N + ix]!;
      if (sum > peak) { peak = sum; peakX = ix; }
    }
    const depthMm = 30 - (-30 + (peakX + 0.5) * 2);  // from the +x face (x = 30 mm) to the peak voxel's centre
    expect(depthMm).toBeGreaterThan(35);
    expect(depthMm).toBeLessThan(42);
    expect(g90.summary.missedHistories).toBe(0);
  }, 60_000);

  it('couch 90 and gantry 90 give the phantom\'s own beam along +z (within statistics)', async () => {
    const own = await run({}, 3);
    const room = await run({ gantryAngleDeg: 90, couchAngleDeg: 90 }, 4);
    expect(chi2(room, own, (ix, iy, iz) => [ix, iy, iz])).toBeLessThan(1.3);
  }, 60_000);

  it('aims spots from the virtual source: a spot 20 mm off axis moves 0.04 mm per mm of depth with SAD 500 mm', async () => {
    const r = await run({ gantryAngleDeg: 0, centerMm: [20, 0], sourceAxisDistanceMm: 500, spotSigmaMm: 2 }, 5, 4000);
    // the dose's mean x in y slabs (the beam runs along +y): x = 20 + 0.04 y (isocentre at y = 0)
    const meanX = (iy: number) => {
      let s = 0, sx = 0;
      for (let iz = 0; iz < N; iz++) for (let ix = 0; ix < N; ix++) { const d = r.dose[(iz * N + iy) * N + ix]!; s += d; sx += d * (-30 + (ix + 0.5) * 2); }
      return sx / s;
    };
    const y = (iy: number) => -30 + (iy + 0.5) * 2;
    const slope = (meanX(12) - meanX(2)) / (y(12) - y(2));
    expect(slope).toBeGreaterThan(0.03);
    expect(slope).toBeLessThan(0.05);
    expect(meanX(7)).toBeGreaterThan(20 + 0.04 * y(7) - 0.4);
    expect(meanX(7)).toBeLessThan(20 + 0.04 * y(7) + 0.4);
  }, 60_000);

  it('refuses what it cannot place, in one line', async () => {
    expect(() => parseConfig({ beam: { couchAngleDeg: 10 } })).toThrow(/beam\.couchAngleDeg: needs beam\.gantryAngleDeg/);
    expect(() => parseConfig({ beam: { gantryAngleDeg: 360 } })).toThrow(/beam\.gantryAngleDeg: must be below 360 degrees/);
    expect(() => parseConfig({ solver: 'deterministic', beam: { gantryAngleDeg: 0 } })).toThrow(/deterministic solver takes beams along \+z only/);
    await expect(run({ gantryAngleDeg: 0, centerMm: [40, 0] }, 1, 10)).rejects.toThrow(/the spot's central ray at gantry 0 and couch 0 degrees misses the phantom/);
  });
});
