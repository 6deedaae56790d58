// Exports of the transport kernel module. The same source builds two modules
// (asconfig.json targets): `simd` (f32x4 lanes) and `scalar` (no SIMD).
import { transportScalar, transportSimd } from './transport';
import { logf, normalFromUniform, sinHalfPi, wordThreshold } from './fastmath';

export { philox4x32 } from './philox';
export { addTallies } from './reduce';

// The deterministic phase-space solver's operators (src/deterministic/README.md);
// signatures and the rows each one writes are in the headers of their files.
export { scatterAngles } from './deterministic/scatterAngles';
export { loseEnergy } from './deterministic/loseEnergy';
export { streamX } from './deterministic/streamX';
export { streamZ } from './deterministic/streamZ';
// The step loop's fused passes: scatter + loseEnergy + scatter, and streamX + streamZ.
export { collide } from './deterministic/collide';
export { stream } from './deterministic/stream';
// Nonelastic nuclear events of the deterministic solver, and the Monte Carlo's
// product code run event by event for its tables.
export { nuclearRows } from './deterministic/nuclearRows';
export { sampleNonelastic } from './deterministic/nuclearProducts';
export { meanElasticRecoilMeV } from './nuclear';

/** Runs histories [firstHistory, firstHistory + count) with this build's driver. */
export function transport(params: usize, worker: usize, firstHistory: f64, count: i32): void {
  if (ASC_FEATURE_SIMD) transportSimd(params, worker, firstHistory, count);
  else transportScalar(params, worker, firstHistory, count);
}

/** Runs histories with the scalar driver, in either build (for tests holding the two to each other). */
export function transportReference(params: usize, worker: usize, firstHistory: f64, count: i32): void {
  transportScalar(params, worker, firstHistory, count);
}

// Elementary functions, exported so tests can hold them to their error budgets:
// the scalar versions, and (SIMD build) their f32x4 twins over four values at
// `values`, written back in place.
export function mathLog(x: f32): f32 { return logf(x); }
export function mathSinHalfPi(x: f32): f32 { return sinHalfPi(x); }
export function mathNormal(u: f32): f32 { return normalFromUniform(u); }
export function mathWordThreshold(p: f32): u32 { return wordThreshold(p); }
export { mathLanes, philoxLanes } from './laneTests';
