// Scalar lookups in the per-material range tables (layout in layout.ts).
// Linear interpolation on log-spaced grids; indices are clamped to the table.
import {
  P_LOG_ENERGY_MIN, P_INV_LOG_ENERGY_STEP, P_TABLE_LENGTH,
  M_HEADER_BYTES, M_LOG_RANGE_MIN, M_INV_LOG_RANGE_STEP,
  T_RANGE_AT_ENERGY,
} from './layout';
import { logf } from './fastmath';

/** Fractional table position, clamped so that point i+1 exists. */
@inline export function tablePosition(logValue: f32, logMin: f32, invLogStep: f32, lastPosition: f32): f32 {
  return min<f32>(max<f32>((logValue - logMin) * invLogStep, 0), lastPosition);
}

/** Interpolates table k of a material block at a fractional position. */
@inline export function interpolate(tablePtr: usize, tableLength: i32, k: i32, position: f32): f32 {
  const i = <i32>position;
  const f = position - <f32>i;
  const p = tablePtr + <usize>M_HEADER_BYTES + (<usize>(k * tableLength + i) << 2);
  const a = load<f32>(p);
  const b = load<f32>(p, 4);
  return a + f * (b - a);
}

@inline export function lastTablePosition(tableLength: i32): f32 {
  return <f32>(tableLength - 1) - <f32>0.001;
}

/** CSDA range (g/cm^2) at an energy (MeV/u) in the material whose block starts at tablePtr. */
export function rangeAtEnergy(params: usize, tablePtr: usize, energyMeVPerU: f32): f32 {
  const n = load<i32>(params + P_TABLE_LENGTH);
  const position = tablePosition(logf(energyMeVPerU), load<f32>(params + P_LOG_ENERGY_MIN),
    load<f32>(params + P_INV_LOG_ENERGY_STEP), lastTablePosition(n));
  return interpolate(tablePtr, n, T_RANGE_AT_ENERGY, position);
}

/** Fractional position of a range (g/cm^2) on the material's range grid. */
@inline export function rangePosition(tablePtr: usize, tableLength: i32, rangeGPerCm2: f32): f32 {
  return tablePosition(logf(rangeGPerCm2), load<f32>(tablePtr + M_LOG_RANGE_MIN),
    load<f32>(tablePtr + M_INV_LOG_RANGE_STEP), lastTablePosition(tableLength));
}
