// History drivers. Both run histories [firstHistory, firstHistory + count) to
// completion and add their scores to the worker's tallies; they allocate
// nothing and keep no state outside the memory they are given.
import { W_LANES_PTR, L_ALIVE, LANES, P_SCORE_LET } from './layout';
import { drainLet } from './letTally';
import { startHistory, finishStep, parkLane } from './lanes';
import { stepScalar } from './stepScalar';
import { stepSimd } from './stepSimd';

@inline function historyLo(history: f64): u32 { return <u32>(history % 4294967296.0); }
@inline function historyHi(history: f64): u32 { return <u32>(history / 4294967296.0); }

/** One history at a time on lane 0 with the scalar step: the reference driver. */
export function transportScalar(params: usize, worker: usize, firstHistory: f64, count: i32): void {
  for (let k = 0; k < count; k++) {
    const history = firstHistory + <f64>k;
    if (!startHistory(params, worker, 0, historyLo(history), historyHi(history))) continue;
    do {
      stepScalar(params, worker, 0);
    } while (finishStep(params, worker, 0));
  }
  parkLane(worker, 0);
  if (load<i32>(params + P_SCORE_LET) != 0) drainLet(worker, 0);
}

/**
 * Four histories side by side, one per SIMD lane; a lane whose history ends is
 * refilled with the next history at once, so lanes stay busy until the batch
 * runs dry.
 */
export function transportSimd(params: usize, worker: usize, firstHistory: f64, count: i32): void {
  const alive = <usize>load<u32>(worker + W_LANES_PTR) + L_ALIVE;
  let next = 0;
  for (let lane = 0; lane < LANES; lane++) {
    parkLane(worker, lane);
    while (next < count) {
      const history = firstHistory + <f64>next; next++;
      if (startHistory(params, worker, lane, historyLo(history), historyHi(history))) break;
    }
  }
  while (v128.any_true(v128.load(alive))) {
    stepSimd(params, worker);
    for (let lane = 0; lane < LANES; lane++) {
      if (load<i32>(alive + (<usize>lane << 2)) == 0) continue;
      if (finishStep(params, worker, lane)) continue;
      parkLane(worker, lane);
      while (next < count) {
        const history = firstHistory + <f64>next; next++;
        if (startHistory(params, worker, lane, historyLo(history), historyHi(history))) break;
      }
    }
  }
  if (load<i32>(params + P_SCORE_LET) != 0) {
    for (let lane = 0; lane < LANES; lane++) drainLet(worker, lane);
  }
}
