// Nucleus-nucleus reactions of ion species (issue 11, part 3), in scalar f64 code
// shared by the scalar and SIMD drivers, like the proton events of nuclear.ts.
// The step (stepScalar.ts, 5.) ends where the reaction happens: the same free
// paths and trapezoid rule, with mu/rho the total reaction coefficient of the
// species in the material (Tripathi; C, N, O on hydrogen from ICRU 63:
// src/physics/ionNuclear/reactionCrossSection.ts), tabulated on the range grid.
//
// A reaction draws one Philox block (the particle's nuclear stream, as
// nuclear.ts: counter (256 s, 2 + 2p, history) for the event at the end of step
// s of particle p):
//  - word 0: the target slot, against the cumulative shares of the material's
//    four reaction target slots at the particle's residual range
//    (src/engine/reactionTables.ts); the slot's element is a library target;
//  - word 1: the energy bin: between bins b and b+1 of the library's log grid,
//    b+1 with the linear weight of ln E (below the first bin, the first);
//  - word 2: the event, uniform among the bin's events (the high bits of
//    word * count);
//  - word 3: an azimuth that turns the whole event about the particle's direction.
// The event (src/physics/ionNuclear/fragmentLibrary.ts) gives each transported
// product's species, its energy per nucleon as a ratio to the projectile's, its
// polar angle and azimuth about the projectile's direction; each product is
// pushed on the lane's stack (its own particle index and Philox streams), with
// E/A = ratio E (one f32 multiply, as the WGSL kernel does it; capped at the
// tables' highest energy). The projectile ends.
//
// Energy bookkeeping is exact in the fixed-point units: incident T = A E (the
// lane's), products sum their A_s E_s, neutral = floor(share T) taken at most
// up to what the products leave, and the local deposit (the event's target
// remnant and slow or untracked fragments, and what a cap took off a product)
// is the remainder. The library keeps the products' and the local shares of
// every event 1e-6 below 1 after rounding its ratios down
// (src/physics/ionNuclear/fragmentLibrary.ts), more than the rounding of a
// product's f32 energy, so the products never exceed T and no deposit is negative.
import {
  P_LIBRARY_EVENTS_PTR, P_LIBRARY_PRODUCTS_PTR, P_LIBRARY_BINS, P_LIBRARY_EVENTS_PER_BIN,
  P_LIBRARY_LOG_ENERGY_MIN, P_LIBRARY_INV_LOG_ENERGY_STEP, P_TABLE_LENGTH, P_TABLE_MAX_ENERGY_MEV_PER_U,
  M_LIBRARY_ROW, M_REACTION_TARGET0, T_ELASTIC_TARGET0_SHARE_AT_RANGE, T_ELASTIC_TARGET1_SHARE_AT_RANGE,
  T_ELASTIC_TARGET2_SHARE_AT_RANGE, LIBRARY_EVENT_BYTES, LIBRARY_PRODUCT_BYTES,
  W_NUCLEAR_EVENTS, W_PRIMARY_NONELASTIC_EVENTS, W_NEUTRAL_ENERGY, W_DEPOSITED_ENERGY,
  L_TABLE_PTR, L_RANGE, L_STEP, L_STREAM, L_MASS_NUMBER, ENERGY_UNITS_PER_MEV,
} from './layout';
import { uniformFromBits, logf } from './fastmath';
import { rangePosition, interpolate } from './tables';
import { getF, getI, addCounter, laneEnergyUnits, energyUnitsOf, speciesMassNumber, laneRandom, scratchWords } from './laneState';
import { azimuthCosine, azimuthSine, turn, pushSecondary, depositHere } from './nuclear';

/** The reaction of the lane's ion, of `energy` MeV per nucleon, where it is; false: the ion ends (always). */
export function ionReaction(params: usize, worker: usize, lane: i32, energy: f32): bool {
  addCounter(worker, W_NUCLEAR_EVENTS, 1);
  if (getI(worker, L_STREAM, lane) == 1) addCounter(worker, W_PRIMARY_NONELASTIC_EVENTS, 1);
  const words = laneRandom(params, worker, lane, <u32>getI(worker, L_STEP, lane) << 8, <u32>getI(worker, L_STREAM, lane) + 1);
  const uTarget = uniformFromBits(load<u32>(words));
  const uBin = uniformFromBits(load<u32>(words, 4));
  const eventWord = load<u32>(words, 8);
  const uPhi = uniformFromBits(load<u32>(words, 12));
  const direction = scratchWords(worker, lane);  // the words are read: reuse them for directions

  // Target slot at the residual range, and its library target.
  const tablePtr = <usize>getI(worker, L_TABLE_PTR, lane);
  const n = load<i32>(params + P_TABLE_LENGTH);
  const position = rangePosition(tablePtr, n, getF(worker, L_RANGE, lane));
  const slot = uTarget < interpolate(tablePtr, n, T_ELASTIC_TARGET0_SHARE_AT_RANGE, position) ? 0
    : uTarget < interpolate(tablePtr, n, T_ELASTIC_TARGET1_SHARE_AT_RANGE, position) ? 1
    : uTarget < interpolate(tablePtr, n, T_ELASTIC_TARGET2_SHARE_AT_RANGE, position) ? 2 : 3;
  const target = <i32>load<f32>(tablePtr + M_REACTION_TARGET0 + (slot << 2));

  // Energy bin, then the event.
  const bins = load<i32>(params + P_LIBRARY_BINS);
  const binPosition = min<f32>(max<f32>((logf(energy) - load<f32>(params + P_LIBRARY_LOG_ENERGY_MIN)) * load<f32>(params + P_LIBRARY_INV_LOG_ENERGY_STEP), 0), <f32>(bins - 1));
  let bin = <i32>binPosition;
  if (bin < bins - 1 && uBin < binPosition - <f32>bin) bin++;
  const count = load<i32>(params + P_LIBRARY_EVENTS_PER_BIN);
  const row = <i32>load<f32>(tablePtr + M_LIBRARY_ROW) + target * bins + bin;
  const pick = <i32>((<u64>eventWord * <u64>count) >>> 32);
  const event = <usize>load<u32>(params + P_LIBRARY_EVENTS_PTR) + <usize>((row * count + pick) * LIBRARY_EVENT_BYTES);

  // Products.
  const e = <f64>energy;
  const incidentUnits = laneEnergyUnits(worker, lane, e);
  const cosPhi0 = azimuthCosine(uPhi), sinPhi0 = azimuthSine(uPhi);
  const first = <i32>load<f32>(event);
  const products = <i32>load<f32>(event, 4);
  const maxEnergy = load<f32>(params + P_TABLE_MAX_ENERGY_MEV_PER_U);
  const productsPtr = <usize>load<u32>(params + P_LIBRARY_PRODUCTS_PTR);
  let productUnits: i64 = 0;
  for (let k = 0; k < products; k++) {
    const p = productsPtr + <usize>((first + k) * LIBRARY_PRODUCT_BYTES);
    const species = <i32>load<f32>(p);
    const productEnergy = min<f32>(load<f32>(p, 4) * energy, maxEnergy);
    const cosPhi = <f64>load<f32>(p, 12), sinPhi = <f64>load<f32>(p, 16);
    turn(worker, lane, <f64>load<f32>(p, 8), cosPhi * cosPhi0 - sinPhi * sinPhi0, sinPhi * cosPhi0 + cosPhi * sinPhi0, direction);
    pushSecondary(params, worker, lane, species, productEnergy, direction);
    productUnits += energyUnitsOf(speciesMassNumber(params, species), <f64>productEnergy);
  }
  const totalMeV = e * <f64>getF(worker, L_MASS_NUMBER, lane);
  const available = incidentUnits - productUnits;  // >= 0 (header)
  const neutralUnits = min<i64>(<i64>floor<f64>(<f64>load<f32>(event, 8) * totalMeV * ENERGY_UNITS_PER_MEV), available);
  addCounter(worker, W_NEUTRAL_ENERGY, neutralUnits);
  depositHere(params, worker, lane, available - neutralUnits, W_DEPOSITED_ENERGY);
  return false;
}
