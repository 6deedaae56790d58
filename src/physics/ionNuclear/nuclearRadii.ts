/**
 * Nuclear radii used by the Tripathi parameterisation (tripathi.ts), which takes the radius of
 * each nucleus from its root-mean-square charge radius as the radius of the uniform sphere with the
 * same rms radius: r = sqrt(5/3) r_rms = 1.29 r_rms (Tripathi, Cucinotta & Wilson, NASA TP-3621
 * (1997) and Nucl. Instrum. Methods B 117 (1996) 347: "r_i = 1.29 (r_rms)_i").
 *
 * rms radii by mass number A = 1...26 (fm): the table used with the Tripathi formula by
 * J. W. Wilson et al. (NASA RP-1257, 1991, from the electron-scattering compilation of H. de Vries,
 * C. W. de Jager & C. de Vries, At. Data Nucl. Data Tables 36 (1987) 495), as carried by Geant4's
 * G4WilsonRadius and TALYS's radius() for the Tripathi formula. Above A = 26:
 * r_rms = 0.84 A^(1/3) + 0.55 fm (same sources). The values depend on A only, not on Z.
 */

/** r_rms (fm) by mass number, index A (index 0 unused); see the file comment. */
const RMS_RADIUS_FM_BY_A: readonly number[] = Object.freeze([
  Number.NaN, 0.85, 2.095, 1.976, 1.671, 1.986, 2.57, 2.41, 2.23, 2.519, 2.45,
  2.42, 2.471, 2.44, 2.58, 2.611, 2.73, 2.662, 2.727, 2.9, 3.04,
  2.867, 2.969, 2.94, 3.075, 3.11, 3.06,
]);

/** Ratio of the uniform-sphere radius to the rms radius, sqrt(5/3), written 1.29 by Tripathi. */
export const SHARP_TO_RMS_RADIUS = 1.29;

/** rms charge radius (fm) of a nucleus of mass number A. */
export function rmsRadiusFm(massNumber: number): number {
  return massNumber < RMS_RADIUS_FM_BY_A.length ? RMS_RADIUS_FM_BY_A[massNumber]!
    : 0.84 * Math.cbrt(massNumber) + 0.55;
}

/** Radius of the equivalent uniform sphere, 1.29 r_rms (fm). */
export function sharpRadiusFm(massNumber: number): number {
  return SHARP_TO_RMS_RADIUS * rmsRadiusFm(massNumber);
}
