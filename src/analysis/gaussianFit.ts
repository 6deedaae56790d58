/**
 * Least-squares fit of a Gaussian A exp(-(x - mu)^2 / (2 sigma^2)) to a sampled
 * profile (unweighted, every sample: the usual curve fit of a lateral profile),
 * by Gauss-Newton iteration (Nocedal & Wright, Numerical Optimization, 2nd ed.,
 * section 10.3) from the profile's moments. The 3 x 3 normal equations are
 * solved by Gaussian elimination with partial pivoting.
 */
export interface GaussianFit {
  readonly amplitude: number;
  readonly meanMm: number;
  readonly sigmaMm: number;
}

const MAX_ITERATIONS = 200;
/** Stop when sigma moves by less than this fraction of itself. */
const RELATIVE_TOLERANCE = 1e-12;

export function fitGaussian(xMm: ArrayLike<number>, y: ArrayLike<number>): GaussianFit {
  const n = y.length;
  let s0 = 0, s1 = 0, s2 = 0, peak = 0;
  for (let i = 0; i < n; i++) {
    s0 += y[i]!; s1 += y[i]! * xMm[i]!; s2 += y[i]! * xMm[i]! * xMm[i]!; peak = Math.max(peak, y[i]!);
  }
  if (!(s0 > 0)) throw new RangeError('fitGaussian: the profile has no positive sum');
  let amplitude = peak, mean = s1 / s0, sigma = Math.sqrt(Math.max(s2 / s0 - mean * mean, 1e-12));
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const m = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    for (let i = 0; i < n; i++) {
      const d = xMm[i]! - mean, g = Math.exp(-(d * d) / (2 * sigma * sigma));
      const residual = y[i]! - amplitude * g;
      const jacobian = [g, (amplitude * g * d) / (sigma * sigma), (amplitude * g * d * d) / (sigma * sigma * sigma)];
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) m[a]![b]! += jacobian[a]! * jacobian[b]!;
        m[a]![3]! += jacobian[a]! * residual;
      }
    }
    for (let c = 0; c < 3; c++) {
      let pivot = c;
      for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
      [m[c], m[pivot]] = [m[pivot]!, m[c]!];
      for (let r = 0; r < 3; r++) {
        if (r === c) continue;
        const f = m[r]![c]! / m[c]![c]!;
        for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
      }
    }
    amplitude += m[0]![3]! / m[0]![0]!;
    mean += m[1]![3]! / m[1]![1]!;
    const step = m[2]![3]! / m[2]![2]!;
    sigma += step;
    if (Math.abs(step) < RELATIVE_TOLERANCE * Math.abs(sigma)) break;
  }
  return { amplitude, meanMm: mean, sigmaMm: Math.abs(sigma) };
}
