/**
 * The package entry (`import { simulate } from 'bragg-engine'`), also bundled
 * for browsers: everything exported here runs without Node modules. What
 * writes files (output folders, run outputs) is in 'bragg-engine/node' (src/node.ts).
 */
export { simulate } from './simulate.js';
export type { SimulationResult, SimulationSummary, SimulateOptions, DepthDose } from './simulate.js';
export { parseConfig, configSchema } from './config/schema.js';
export type { SimulationConfig, ResolvedConfig } from './config/schema.js';
export { BraggInputError } from './errors.js';
export { ENGINE_VERSION } from './version.js';
export type { EnergyBookkeeping, LateralProbe } from './engine/doseResults.js';
export type { DeterministicResult, DeterministicSummary } from './deterministic/deterministicResults.js';

// Physics: ions, materials, stopping powers and CSDA ranges.
export {
  stoppingPower, electronicStoppingPower, csdaRange, buildRangeTable, TABLE_ENERGY_LIMITS_MEV_PER_U,
  getMaterial, isMaterialId, MATERIAL_IDS, getIon, isIonId, ION_IDS, getElement,
  PROTON_MASS_MEV, ATOMIC_MASS_UNIT_MEV, ELECTRON_MASS_MEV,
} from './physics/index.js';
export type {
  Material, MaterialId, MaterialOverrides, ElementFraction, ElementData, Ion, IonId, RangeTable, RangeTableOptions,
} from './physics/index.js';

// Analysis: depth-dose metrics, 1-D and 2-D gamma, comparison of two runs (as `bragg compare`).
export { depthDoseMetrics } from './analysis/depthDose.js';
export type { DepthDoseMetrics } from './analysis/depthDose.js';
export { fitGaussian } from './analysis/gaussianFit.js';
export type { GaussianFit } from './analysis/gaussianFit.js';
export { gamma1d } from './analysis/gamma.js';
export type { GammaCriteria, GammaResult } from './analysis/gamma.js';
export { gamma2d, sampleDosePlane } from './analysis/gamma2d.js';
export type { DosePlane, Gamma2dCriteria, Gamma2dResult } from './analysis/gamma2d.js';
export { compareDosePlanes, doseIntegratedOverY, depthDoseOfPlane } from './analysis/compareRuns.js';
export type { RunGrid, RunComparison } from './analysis/compareRuns.js';

// Outputs: .npy arrays and the depth-dose CSV and SVG of `bragg run` / `bragg compare`.
export { encodeNpy, decodeNpy } from './io/npy.js';
export type { NpyArray } from './io/npy.js';
export { depthDoseCsv } from './io/depthDoseCsv.js';
export type { DepthDoseSeries } from './io/depthDoseCsv.js';
export { depthDoseSvg } from './io/depthDoseSvg.js';
export type { DepthDosePlot } from './io/depthDoseSvg.js';
export { depthDoseOverlaySvg } from './io/depthDoseOverlaySvg.js';
export type { DepthDoseOverlay, OverlayCurve } from './io/depthDoseOverlaySvg.js';
export type { DeterministicProgress, DeterministicProgressCallback } from './deterministic/progress.js';

// Geometry: a CT as the phantom (the file readers are in 'bragg-engine/node': loadPhantom) and HU calibrations.
export { ctPhantom, CtPhantom } from './geometry/ctPhantom.js';
export {
  MCSQUARE_DEFAULT_CALIBRATION, densityAtHu, materialAtHu, mcsquareCalibration, parseCalibrationCsv, calibrateCt,
} from './geometry/huCalibration.js';
export type { HuCalibration, CalibratedCt } from './geometry/huCalibration.js';
export type { Phantom } from './geometry/phantom.js';
export type { MetaImage, MetaElementType, MetaVoxels } from './io/metaImage.js';

// Beams: the room's geometry (IEC 61217), plans, beam models.
export { roomToPatient, roomFrame, rayEntry } from './beam/beamGeometry.js';
export type { BeamFrame, RoomGeometry } from './beam/beamGeometry.js';
export { planSpots } from './beam/planSpots.js';
export { GENERIC_PROTON_MODEL, beamAt, planInParticles } from './beam/beamModel.js';
export type { BeamModel, BeamModelEnergy, FieldInMU } from './beam/beamModel.js';
export { parseBeamModel } from './beam/beamModelSchema.js';
export { roiMask, roiDoses, dvhMetrics, cumulativeDvh } from './analysis/dvh.js';
export type { DoseGrid, DvhMetrics } from './analysis/dvh.js';
