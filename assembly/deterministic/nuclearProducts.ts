// nonelasticProducts: one nonelastic nuclear event of a proton, run through the
// Monte Carlo's own product code (assembly/nuclear.ts nonelasticProducts), for
// the deterministic solver's product tables (src/deterministic/nuclearTables.ts):
// the host samples many events per energy and histograms them, so the two
// solvers share one model and its parameters.
//
//   sampleNonelastic(params, worker, energyMeV, history, out): i32
//
//   params, worker  a prepared Monte Carlo run's parameter block and worker
//                   block (src/engine/monteCarlo.ts prepareRun); lane 0 of the
//                   worker is overwritten
//   energyMeV       the proton's kinetic energy
//   history         the Philox history the event's numbers come from (with
//                   the run's seed): the event is that history's primary's
//                   first, at its step 0 (nuclear.ts header: random numbers)
//   out             f64: [0] the neutral energy (MeV, with the binding
//                   energy), then per secondary proton k: [1 + 4k] its kinetic
//                   energy (MeV), [2 + 4k .. 4 + 4k] its direction (u, v, w)
//                   about a parent moving along +z; 1 + 4 STACK_CAPACITY f64
//
// Returns the number of secondaries written. The rest of the energy (short-range
// fragments; secondaries beyond the stack, which the Monte Carlo deposits too)
// is the local deposit: energy - neutral - sum of the secondaries' energies.
import {
  L_X, L_Y, L_Z, L_U, L_V, L_W, L_IX, L_IY, L_IZ, L_STEP, L_STREAM, L_HISTORY_LO, L_HISTORY_HI,
  L_SECONDARIES, L_STACK_SIZE, W_NEUTRAL_ENERGY, ENERGY_UNITS_PER_MEV, L_SPECIES, L_MASS_NUMBER, P_PROTON_SPECIES,
} from '../layout';
import { setF, setI, getI, scratchWords } from '../laneState';
import { nonelasticProducts, stackField, S_ENERGY, S_U, S_V, S_W } from '../nuclear';

/** See the file header. */
export function sampleNonelastic(params: usize, worker: usize, energyMeV: f32, history: u32, out: usize): i32 {
  const lane = 0;
  setI(worker, L_HISTORY_LO, lane, <i32>history);
  setI(worker, L_HISTORY_HI, lane, 0);
  setI(worker, L_STEP, lane, 0);
  setI(worker, L_STREAM, lane, 1);
  setF(worker, L_X, lane, 0); setF(worker, L_Y, lane, 0); setF(worker, L_Z, lane, 0);
  setF(worker, L_U, lane, 0); setF(worker, L_V, lane, 0); setF(worker, L_W, lane, 1);
  setI(worker, L_IX, lane, 0); setI(worker, L_IY, lane, 0); setI(worker, L_IZ, lane, 0);
  setI(worker, L_SECONDARIES, lane, 0);
  setI(worker, L_STACK_SIZE, lane, 0);
  // a proton (energies and units of protons: laneState.ts laneEnergyUnits)
  setI(worker, L_SPECIES, lane, load<i32>(params + P_PROTON_SPECIES));
  setF(worker, L_MASS_NUMBER, lane, 1);
  const neutralBefore = load<i64>(worker + W_NEUTRAL_ENERGY);
  // as nuclearEvent: block counter step << 8 = 0, Philox word 1 of the particle's nuclear numbers 1 + L_STREAM
  nonelasticProducts(params, worker, lane, <f64>energyMeV, 0, 2, scratchWords(worker, lane));
  store<f64>(out, <f64>(load<i64>(worker + W_NEUTRAL_ENERGY) - neutralBefore) / ENERGY_UNITS_PER_MEV);
  const n = getI(worker, L_STACK_SIZE, lane);
  for (let k = 0; k < n; k++) {
    const at = out + 8 + (<usize>k << 5);
    store<f64>(at, <f64>load<f32>(stackField(worker, lane, k, S_ENERGY)));
    store<f64>(at, <f64>load<f32>(stackField(worker, lane, k, S_U)), 8);
    store<f64>(at, <f64>load<f32>(stackField(worker, lane, k, S_V)), 16);
    store<f64>(at, <f64>load<f32>(stackField(worker, lane, k, S_W)), 24);
  }
  return n;
}
