/**
 * A plan's spots as the kernels read them (issue 12, part 5; layout.ts: SPOT): one record per
 * spot after the run parameters, holding its beam (energy and spread, position at the isocentre
 * plane, size, divergence), its field's frame (beamGeometry.ts) and the first history that draws
 * it. Histories go to spots in order, in proportion to their weights: spot k takes histories
 * [floor(N C(k-1) / W), floor(N C(k) / W)) of N, with C the running sum of the weights and W their
 * total, so that which spot a history draws depends on its number alone (the same on any thread
 * count and on the GPU) and no spot's share is off by more than one history. The dose per primary
 * is then sum_k (w_k / W) D_k, D_k spot k's dose per particle: the plan's dose per unit of weight.
 */
import type { ResolvedConfig } from '../config/schema.js';
import type { PhantomShape } from '../geometry/phantom.js';
import { BraggInputError } from '../errors.js';
import { centralRayEnters, roomFrame } from './beamGeometry.js';

/** f32 words of a spot record before its first-history word (layout.ts: SPOT.firstHistory / 4). */
export const SPOT_FLOATS = 22;

export interface PlanSpots {
  /** SPOT_FLOATS f32 values per spot (the beam, then the frame), in order. */
  readonly floats: Float32Array;
  /** The first history of each spot. */
  readonly firstHistory: Uint32Array;
  /** The plan's total weight W. */
  readonly totalWeight: number;
}

export function planSpots(config: ResolvedConfig, shape: PhantomShape, zShiftMm = 0): PlanSpots | null {
  const { plan } = config;
  if (!plan) return null;
  const rows: number[][] = [];
  const weights: number[] = [];
  plan.fields.forEach((field, f) => {
    const frame = roomFrame(field, shape, zShiftMm);
    const frameValues = [...frame.u, ...frame.v, ...frame.direction, ...frame.isocenterMm, ...frame.sourceAxisDistanceMm];
    field.layers.forEach((layer, l) => {
      const [sigmaX, sigmaY] = typeof layer.spotSigmaMm === 'number' ? [layer.spotSigmaMm, layer.spotSigmaMm] : layer.spotSigmaMm;
      const [divX, divY] = typeof layer.divergenceSigmaMrad === 'number' ? [layer.divergenceSigmaMrad, layer.divergenceSigmaMrad] : layer.divergenceSigmaMrad;
      layer.spots.forEach(([x, y, weight], s) => {
        if (!centralRayEnters(frame, x, y, shape)) {
          throw new BraggInputError(`plan.fields.${f}.layers.${l}.spots.${s}: the spot at [${x}, ${y}] mm (gantry ${field.gantryAngleDeg}, couch ${field.couchAngleDeg} degrees) misses the phantom`);
        }
        rows.push([layer.energyMeVPerU, layer.energySpreadMeVPerU, x, y, sigmaX, sigmaY, divX / 1000, divY / 1000, ...frameValues]);
        weights.push(weight);
      });
    });
  });
  const histories = config.transport.histories;
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const floats = new Float32Array(rows.length * SPOT_FLOATS);
  const firstHistory = new Uint32Array(rows.length);
  let cumulative = 0;
  rows.forEach((row, k) => {
    floats.set(row, k * SPOT_FLOATS);
    firstHistory[k] = Math.floor((histories * cumulative) / totalWeight);
    cumulative += weights[k]!;
  });
  return { floats, firstHistory, totalWeight };
}
