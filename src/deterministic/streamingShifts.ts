/**
 * The streaming operators' shifts (README.md, "streamX, streamZ"): the fraction
 * of a cell a particle of direction bin t moves in one step ds,
 * shiftX[t] = ds sin(theta_t) / dx (signed, |.| <= 1 by the grid's check) and
 * shiftZ[t] = ds cos(theta_t) / dz (in (0, 1]).
 */
import type { PhaseSpaceGrid } from './grid.js';

export interface StreamingShifts {
  readonly shiftX: Float64Array;
  readonly shiftZ: Float64Array;
}

/** The grid accepts ds up to dz (and ds sin(thetaMax) up to dx) with 1e-12 of slack: no shift may pass a whole cell. */
function clampUnit(shift: number): number {
  return Math.min(Math.max(shift, -1), 1);
}

export function buildStreamingShifts(grid: PhaseSpaceGrid): StreamingShifts {
  const { stepMm, dxMm, dzMm, thetaRad } = grid;
  return {
    shiftX: thetaRad.map((theta) => clampUnit((stepMm * Math.sin(theta)) / dxMm)),
    shiftZ: thetaRad.map((theta) => clampUnit((stepMm * Math.cos(theta)) / dzMm)),
  };
}
