/**
 * A spread-out Bragg peak (issue 12, part 5): a plan whose laterally integrated depth-dose is flat
 * over a target depth range in water. Pristine peaks are computed with the engine itself (one
 * Monte Carlo run per energy, nuclear interactions on), their energies spaced so that their CSDA
 * ranges in water step by `spacingMm` from the target's proximal to its distal end (Bortfeld and
 * Schlegel, Phys. Med. Biol. 41 (1996) 1331: a flat SOBP from weighted pristine peaks), and the
 * weights are the non-negative least-squares fit of the sum to a flat dose over the target depths
 * (Lawson and Hanson, Solving Least Squares Problems (1974), ch. 23: the active-set algorithm,
 * written here). The plan is one field along the phantom's +z (gantry 90 and couch 90 in IEC 61217,
 * beamGeometry.ts), one spot per energy on the axis, weights in particles per unit of dose.
 */
import { simulate } from '../simulate.js';
import { BraggInputError } from '../errors.js';
import { csdaRange, getIon, getMaterial, type IonId } from '../physics/index.js';

export interface SobpRequest {
  readonly particle?: IonId;
  /** Target depths in water (mm), proximal and distal. */
  readonly targetDepthMm: readonly [number, number];
  /** CSDA-range step between pristine peaks (mm); default 2 (3 mm left a ripple of +-1.5 % on 1 mm slices). */
  readonly spacingMm?: number;
  /** Histories per pristine peak; default 20,000. */
  readonly histories?: number;
  /** Spot size of every layer (mm); default 5. */
  readonly spotSigmaMm?: number;
  readonly seed?: number;
}

export interface SobpPlan {
  /** The config's plan section. */
  readonly plan: { readonly fields: readonly { gantryAngleDeg: number; couchAngleDeg: number; isocenterMm: [number, number, number]; layers: { energyMeVPerU: number; spotSigmaMm: number; spots: [number, number, number][] }[] }[] };
  /** The water phantom the peaks were computed in (config phantom section). */
  readonly phantom: { readonly sizeMm: [number, number, number]; readonly voxelSizeMm: [number, number, number] };
  /** The fitted sum's largest deviation from flat over the target (relative), from the pristine peaks. */
  readonly fittedFlatness: number;
}

/** The energy (MeV/u) whose CSDA range in water is `rangeMm`, by bisection. */
function energyForRange(ion: ReturnType<typeof getIon>, rangeMm: number): number {
  const water = getMaterial('water');
  let low = 1, high = 1000;
  for (let k = 0; k < 60; k++) {
    const middle = (low + high) / 2;
    if (10 * csdaRange(ion, water, middle) / water.densityGPerCm3 < rangeMm) low = middle; else high = middle;
  }
  return (low + high) / 2;
}

/**
 * min |A w - b| over w >= 0, A given by columns (Lawson and Hanson's NNLS: the active set grows by
 * the most promising variable; a least-squares step on the passive set is taken as far as keeps
 * every weight non-negative).
 */
export function nonNegativeLeastSquares(columns: readonly Float64Array[], b: Float64Array): Float64Array {
  const n = columns.length;
  const w = new Float64Array(n);
  const passive = new Array<boolean>(n).fill(false);
  const residual = () => Float64Array.from(b, (bi, i) => bi - columns.reduce((s, c, k) => s + c[i]! * w[k]!, 0));
  const gradient = (r: Float64Array) => columns.map((c) => c.reduce((s, ci, i) => s + ci * r[i]!, 0));
  /** Least squares on the passive columns (normal equations, Gaussian elimination with pivoting). */
  const solvePassive = (): Float64Array => {
    const set = [...passive.keys()].filter((k) => passive[k]);
    const p = set.length;
    const matrix = set.map((j) => [...set.map((k) => columns[j]!.reduce((s, cj, i) => s + cj * columns[k]![i]!, 0)), columns[j]!.reduce((s, cj, i) => s + cj * b[i]!, 0)]);
    for (let col = 0; col < p; col++) {
      let pivot = col;
      for (let r = col + 1; r < p; r++) if (Math.abs(matrix[r]![col]!) > Math.abs(matrix[pivot]![col]!)) pivot = r;
      [matrix[col], matrix[pivot]] = [matrix[pivot]!, matrix[col]!];
      for (let r = 0; r < p; r++) {
        if (r === col || matrix[col]![col] === 0) continue;
        const f = matrix[r]![col]! / matrix[col]![col]!;
        for (let c = col; c <= p; c++) matrix[r]![c]! -= f * matrix[col]![c]!;
      }
    }
    const z = new Float64Array(n);
    // A pivot of (near) zero is a column the others already span: its weight is 0 (the loop then frees it).
    const scale = Math.max(1e-300, ...set.map((_, r) => Math.abs(matrix[r]![r]!)));
    set.forEach((k, r) => { z[k] = Math.abs(matrix[r]![r]!) > 1e-12 * scale ? matrix[r]![p]! / matrix[r]![r]! : 0; });
    return z;
  };
  // A gradient below this is zero: relative to the problem's size (|A| |b|), not absolute.
  const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
  const tolerance = 1e-12 * Math.max(...columns.map(norm)) * norm(b);
  for (let iteration = 0; iteration < 3 * n + 10; iteration++) {
    const g = gradient(residual());
    let best = -1;
    for (let k = 0; k < n; k++) if (!passive[k] && g[k]! > tolerance && (best < 0 || g[k]! > g[best]!)) best = k;
    if (best < 0) break;
    passive[best] = true;
    for (let inner = 0; inner <= n; inner++) {  // each pass frees at least one variable or ends
      const z = solvePassive();
      if ([...passive.keys()].every((k) => !passive[k] || z[k]! > 0)) { w.set(z); break; }
      // step from w toward z as far as keeps every passive weight non-negative, and free those that reach 0
      let alpha = 1;
      for (let k = 0; k < n; k++) if (passive[k] && z[k]! <= 0) alpha = Math.min(alpha, w[k]! / (w[k]! - z[k]!));
      for (let k = 0; k < n; k++) {
        if (!passive[k]) continue;
        w[k] = w[k]! + alpha * (z[k]! - w[k]!);
        if (w[k]! <= 1e-15) { w[k] = 0; passive[k] = false; }
      }
    }
  }
  return w;
}

export async function sobpPlan(request: SobpRequest): Promise<SobpPlan> {
  const [proximal, distal] = request.targetDepthMm;
  if (!(proximal > 0 && distal > proximal && distal <= 400)) throw new BraggInputError(`targetDepthMm must be two depths 0 < proximal < distal <= 400 mm (got ${proximal}, ${distal})`);
  const spacing = request.spacingMm ?? 2;
  if (!(spacing >= 0.5 && spacing <= 20)) throw new BraggInputError(`spacingMm must be from 0.5 to 20 mm (got ${spacing})`);
  if (Math.floor(distal - 0.5) < Math.ceil(proximal - 0.5)) throw new BraggInputError(`targetDepthMm ${proximal} to ${distal} mm holds no 1 mm slice centre: the target must span at least one slice`);
  const particle = request.particle ?? 'proton';
  const ion = getIon(particle);
  const histories = request.histories ?? 20_000;
  const sigma = request.spotSigmaMm ?? 5;
  // Peaks from the proximal end to one spacing beyond the distal end (the distal edge is a falloff).
  const ranges: number[] = [];
  for (let r = proximal; r <= distal + spacing + 1e-9; r += spacing) ranges.push(r);
  const energies = ranges.map((r) => Math.round(energyForRange(ion, r) * 100) / 100);
  const depth = Math.ceil((distal + 40) / 10) * 10;
  const phantom = { sizeMm: [100, 100, depth] as [number, number, number], voxelSizeMm: [5, 5, 1] as [number, number, number] };
  const field = (layers: SobpPlan['plan']['fields'][number]['layers']) => ({ gantryAngleDeg: 90, couchAngleDeg: 90, isocenterMm: [0, 0, depth / 2] as [number, number, number], layers });
  const pristine: Float64Array[] = [];
  for (const [k, energy] of energies.entries()) {
    const result = await simulate({
      beam: { particle }, phantom, transport: { histories, seed: (request.seed ?? 1) + k },
      plan: { fields: [field([{ energyMeVPerU: energy, spotSigmaMm: sigma, spots: [[0, 0, 1]] }])] },
      scoring: { let: false },
    });
    pristine.push(result.depthDose.dose);
  }
  // Fit the depths whose slices (1 mm) lie inside the target to a flat dose of 1.
  const inside = [...pristine[0]!.keys()].filter((iz) => iz + 0.5 >= proximal && iz + 0.5 <= distal);
  const columns = pristine.map((d) => Float64Array.from(inside, (iz) => d[iz]!));
  const weights = nonNegativeLeastSquares(columns, new Float64Array(inside.length).fill(1));
  const fitted = inside.map((_, i) => columns.reduce((s, c, k) => s + c[i]! * weights[k]!, 0));
  const fittedFlatness = Math.max(...fitted.map((d) => Math.abs(d - 1)));
  if (!weights.some((w) => w > 0)) throw new BraggInputError('the pristine peaks gave no dose in the target: no SOBP can be built there');
  const layers = energies.flatMap((energy, k) => (weights[k]! > 0 ? [{ energyMeVPerU: energy, spotSigmaMm: sigma, spots: [[0, 0, weights[k]!]] as [number, number, number][] }] : []));
  return { plan: { fields: [field(layers)] }, phantom, fittedFlatness };
}
