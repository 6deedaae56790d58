/**
 * A CT as the transport phantom (issue 12, part 1): the CT's grid becomes the transport grid
 * voxel for voxel (any voxel size, anisotropic), each voxel's CT number turned into a material
 * and a mass density by an HU calibration (huCalibration.ts).
 *
 * Frame: the CT's own, as the MetaImage and NRRD readers give it (DICOM LPS, mm). Transport x
 * and y are the patient's x and y; transport depth z is the patient's z less that of the CT's
 * low-z face (the kernels count depth from 0), kept as zShiftMm so that every output sits on the
 * CT in a viewer. Without a gantry angle the beam (config.beam.centerMm: patient x, y) travels
 * along +z into the low-z face; with one, from the room (src/beam/beamGeometry.ts). Air outside the body is transported
 * like any other voxel (the calibration's air material and density).
 */
import { BraggInputError } from '../errors.js';
import type { MetaImage } from '../io/metaImage.js';
import type { CtSeriesIdentifiers } from '../io/dicom/ctSeries.js';
import { calibrateCt, type HuCalibration } from './huCalibration.js';
import { MAX_VOXELS, type Phantom } from './phantom.js';
import type { MaterialId } from '../physics/index.js';

/** The loaded CT phantom; JSON leaves it out (the config keeps phantom.ct, the file it came from). */
export class CtPhantom implements Phantom {
  constructor(
    readonly nx: number, readonly ny: number, readonly nz: number,
    readonly voxelSizeMm: readonly [number, number, number],
    readonly originMm: readonly [number, number, number],
    readonly zShiftMm: number,
    readonly materials: readonly MaterialId[],
    readonly materialIndex: Uint8Array,
    readonly densityGPerCm3: Float32Array,
    /** A DICOM CT's patient, study and frame of reference, for the RT Dose. */
    readonly dicom?: CtSeriesIdentifiers,
  ) {}

  toJSON(): undefined { return undefined; }
}

/** Direction cosines within this of the identity count as axis-aligned (writers round them). */
const DIRECTION_TOLERANCE = 1e-6;

/** A CT image (CT numbers in HU, after any rescale) through `calibration`; `source` names it in messages; `dicom`: a DICOM series' identifiers. */
export function ctPhantom(image: MetaImage, calibration: HuCalibration, source: string, dicom?: CtSeriesIdentifiers): CtPhantom {
  const [nx, ny, nz] = image.dimSize;
  const [vx, vy, vz] = image.spacingMm;
  const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (image.direction.some((c, k) => Math.abs(c - identity[k]!) > DIRECTION_TOLERANCE)) {
    throw new BraggInputError(`phantom.ct: ${source} has direction cosines ${image.direction.join(' ')}: only CTs whose axes are the patient's x, y and z (the identity) are supported; resample it`);
  }
  if (![vx, vy, vz].every((v) => Number.isFinite(v) && v > 0)) throw new BraggInputError(`phantom.ct: ${source} has voxel spacing ${image.spacingMm.join(' x ')} mm (each must be positive)`);
  if (nx * ny * nz > MAX_VOXELS) throw new BraggInputError(`phantom.ct: ${source} has ${nx * ny * nz} voxels, more than the ${MAX_VOXELS} supported`);
  const [x0, y0, z0] = image.offsetMm;
  let calibrated;
  try {
    calibrated = calibrateCt(image.voxels, calibration);
  } catch (error) {
    if (error instanceof BraggInputError) throw new BraggInputError(`phantom.ct: ${source}: ${error.message}`);
    throw error;
  }
  const zShiftMm = z0 - vz / 2;
  return new CtPhantom(nx, ny, nz, [vx, vy, vz], [x0 - vx / 2, y0 - vy / 2, 0], zShiftMm,
    calibrated.materials, calibrated.materialIndex, calibrated.densityGPerCm3, dicom);
}
