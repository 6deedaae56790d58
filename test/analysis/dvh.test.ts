// RT Structure Sets (src/io/dicom/rtStruct.ts) voxelised on a dose grid and their DVHs
// (src/analysis/dvh.ts), against counts and metrics worked out by hand.
import { describe, expect, it } from 'vitest';
import { rtStructFromBytes } from '../../src/io/dicom/rtStruct.js';
import { cumulativeDvh, dvhMetrics, roiDoses, roiMask } from '../../src/analysis/dvh.js';
import { rtStructFile, square } from '../helpers/rtStruct.js';

// 20 x 20 x 10 voxels of 2 mm, low corner (-20, -20, 100): voxel centres x, y = -19 ... 19, z = 101 ... 119
const grid = { nx: 20, ny: 20, nz: 10, voxelSizeMm: [2, 2, 2] as const, lowCornerMm: [-20, -20, 100] as const };
const planes = Array.from({ length: 10 }, (_, k) => 101 + 2 * k);
const count = (mask: Uint8Array) => mask.reduce((s, m) => s + m, 0);

describe('structures and DVHs', () => {
  const file = rtStructFile([
    { name: 'Box', contours: planes.map((z) => square(-10, 10, -6, 6, z)) },
    { name: 'Ring', contours: planes.flatMap((z) => [square(-10, 10, -10, 10, z), square(-4, 4, -4, 4, z)]) },
    { name: 'One slice', contours: [square(-10, 10, -10, 10, 101)] },
  ]);
  const set = rtStructFromBytes(file, 'rs.dcm');

  it('reads every ROI with its contours and frame of reference', () => {
    expect(set.frameOfReferenceUid).toBe('1.2.826.0.1.3680043.9.7777.4');
    expect(set.rois.map((r) => [r.name, r.contours.length])).toEqual([['Box', 10], ['Ring', 20], ['One slice', 1]]);
    expect([...set.rois[0]!.contours[0]!.xy]).toEqual([-10, -6, 10, -6, 10, 6, -10, 6]);
  });

  it('holds the voxels whose centres lie inside (even-odd: a contour in a contour is a hole), on the nearest plane within half a voxel', () => {
    // Box: centres -9 ... 9 in x (10) by -5 ... 5 in y (6), on all 10 slices
    expect(count(roiMask(set.rois[0]!, grid))).toBe(600);
    // Ring: 10 x 10 centres less the 4 x 4 inside [-4, 4]
    expect(count(roiMask(set.rois[1]!, grid))).toBe(10 * (100 - 16));
    // one plane at z = 101: the first slice only (the next centre, 103, is a whole voxel away)
    const one = roiMask(set.rois[2]!, grid);
    expect(count(one)).toBe(100);
    expect(count(one.subarray(0, 400))).toBe(100);
  });

  it('fills the slices between contour planes drawn every few slices, and takes z within 0.001 mm as one plane', () => {
    // a 20 x 20 mm square every 6 mm (z 101 ... 119 in steps of 6: 4 planes) on 2 mm slices: all 10 slices
    const sparse = rtStructFromBytes(rtStructFile([{ name: 'Sparse', contours: [101, 107, 113, 119].map((z) => square(-10, 10, -10, 10, z)) }]), 's.dcm');
    const mask = roiMask(sparse.rois[0]!, grid);
    expect(count(mask)).toBe(10 * 100);
    // a hole written 0.0004 mm off its outer contour's plane is still a hole
    const ring = rtStructFromBytes(rtStructFile([{ name: 'Ring', contours: [square(-10, 10, -10, 10, 101), square(-4, 4, -4, 4, 101.0004)] }]), 'r.dcm');
    expect(count(roiMask(ring.rois[0]!, grid))).toBe(100 - 16);
  });

  it('gives D98, D95, D50, D2, mean and the cumulative DVH of a known dose (the voxel\'s x index)', () => {
    const dose = Float64Array.from({ length: 4000 }, (_, v) => v % 20);
    const hottest = roiDoses(dose, roiMask(set.rois[0]!, grid));
    // 60 voxels at each of 5 ... 14 (Gy)
    const m = dvhMetrics('Box', hottest, 0.008, 10);
    expect(m).toMatchObject({ voxels: 600, maxDose: 14, minDose: 5, d2: 14, d50: 10, d95: 5, d98: 5, vAtLevel: 0.5 });
    expect(m.meanDose).toBeCloseTo(9.5, 12);
    expect(m.volumeCm3).toBeCloseTo(4.8, 12);
    expect([...cumulativeDvh(hottest, [0, 5, 10, 14, 14.5])]).toEqual([1, 1, 0.5, 0.1, 0]);
  });

  it('refuses malformed structure sets in one line', () => {
    expect(() => rtStructFromBytes(rtStructFile([{ name: 'Bad', contours: [[0, 0, 1, 1, 0, 1, 1, 1]] }]), 'bad.dcm')).toThrow(/bad\.dcm: ROI 'Bad', contour 1: ContourData must be at least three \(x, y, z\) triples/);
    expect(() => rtStructFromBytes(rtStructFile([{ name: 'Tilted', contours: [[0, 0, 1, 1, 0, 1, 1, 1, 2]] }]), 'tilt.dcm')).toThrow(/more than one z plane/);
    expect(() => rtStructFromBytes(rtStructFile([{ name: 'X', contours: [square(0, 1, 0, 1, 0)] }], undefined, { Modality: 'RTPLAN' }), 'p.dcm')).toThrow(/expected an RT Structure Set/);
  });
});
