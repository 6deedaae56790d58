/**
 * A dose grid as a DICOM RT Dose object (PS3.3 A.18; modules C.7.1.1 Patient, C.7.2.1 General
 * Study, C.8.8.1 RT Series, C.7.4.1 Frame of Reference, C.7.6.2 Image Plane, C.7.6.6 Multi-frame,
 * C.8.8.3 RT Dose), written with dcmjs in explicit VR little endian. The grid is a stack of nz
 * frames of ny rows by nx columns in the patient frame (LPS): ImagePositionPatient is the first
 * voxel's centre, GridFrameOffsetVector the frames' z from it. Doses are unsigned 32-bit integers
 * times DoseGridScaling (C.8.8.3.4), so a reader gets each voxel to 2^-32 of the maximum.
 *
 * On a DICOM CT the dose carries the CT's patient, study and frame of reference, so a planning
 * system places it on the CT; otherwise new ones are made. UIDs are derived from the dose's
 * bytes and identifiers ('2.25.' and a number from SHA-256: PS3.5 B.2), so the same run writes
 * the same file. DoseSummationType is PLAN; for a DICOM RT Ion Plan the Referenced RT Plan Sequence
 * names it (PS3.3 C.8.8.3: required for PLAN); a run without one (a JSON plan, a single beam) has no
 * plan object to refer to and leaves it out, as research codes do (no summation type is defined
 * without a referenced object). Strings beyond ASCII are UTF-8 with SpecificCharacterSet ISO_IR 192.
 */
import { createHash } from 'node:crypto';
import dcmjs from 'dcmjs';
import type { CtSeriesIdentifiers } from './ctSeries.js';

export interface RtDoseInput {
  /** Dose per voxel, [nz, ny, nx] with x fastest (Gy, or Gy per primary: say which in `comment`). */
  readonly dose: ArrayLike<number>;
  readonly dimSize: readonly [number, number, number];   // nx, ny, nz
  readonly spacingMm: readonly [number, number, number]; // x, y, z
  /** The first voxel's centre in the patient frame (mm). */
  readonly firstCentreMm: readonly [number, number, number];
  /** The CT's, where the phantom was a DICOM CT. */
  readonly identifiers?: CtSeriesIdentifiers;
  /** DoseComment (at most 64 characters). */
  readonly comment: string;
  /** Manufacturer's Model Name / Software Versions. */
  readonly software: string;
  /** 'MEDIUM' for dose to the voxel's medium (TissueHeterogeneityCorrection IMAGE), 'WATER' for dose to water (IMAGE and WATER). */
  readonly doseTo: 'MEDIUM' | 'WATER';
  /** The DICOM RT Ion Plan the dose was computed for (Referenced RT Plan Sequence). */
  readonly referencedPlanUid?: string;
}

/** RT Dose frames are Rows x Columns, unsigned 16-bit attributes (PS3.3 C.7.6.3). */
export const RT_DOSE_MAX_SIDE = 65535;

const RT_DOSE_STORAGE = '1.2.840.10008.5.1.4.1.1.481.2';
const RT_ION_PLAN_STORAGE = '1.2.840.10008.5.1.4.1.1.481.8';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const MAX_PIXEL = 2 ** 32 - 1;

/** A decimal string (DS, at most 16 characters) of x. */
function ds(x: number): number {
  for (let digits = 10; digits > 1; digits--) {
    const v = Number(x.toPrecision(digits));
    if (String(v).length <= 16) return v;
  }
  return Number(x.toPrecision(1));
}

/** A UID from a hash of `parts` (PS3.5 B.2: '2.25.' and a 128-bit integer). */
function derivedUid(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `2.25.${BigInt(`0x${hash.digest('hex').slice(0, 32)}`).toString()}`;
}

export function encodeRtDose(input: RtDoseInput): Uint8Array {
  const [nx, ny, nz] = input.dimSize;
  const [dx, dy, dz] = input.spacingMm;
  const count = nx * ny * nz;
  if (input.dose.length !== count) throw new RangeError(`encodeRtDose: ${input.dose.length} doses for a ${nx} x ${ny} x ${nz} grid`);
  if (nx > RT_DOSE_MAX_SIDE || ny > RT_DOSE_MAX_SIDE) throw new RangeError(`encodeRtDose: ${nx} x ${ny} frames: DICOM Rows and Columns stop at ${RT_DOSE_MAX_SIDE}`);
  let max = 0;
  for (let i = 0; i < count; i++) if (input.dose[i]! > max) max = input.dose[i]!;
  // The scaling as written (a DS), and the pixels from it, so that pixel x scaling is what readers get.
  const scaling = max > 0 ? ds((max / MAX_PIXEL) * (1 + 1e-9)) : 1;
  const pixels = new Uint32Array(count);
  for (let i = 0; i < count; i++) pixels[i] = Math.min(MAX_PIXEL, Math.max(0, Math.round(input.dose[i]! / scaling)));
  const bytes = new Uint8Array(pixels.buffer);
  const ids = input.identifiers;
  const seed = JSON.stringify([input.dimSize, input.spacingMm, input.firstCentreMm, ids ?? null, input.comment]);
  const study = ids?.studyInstanceUid || derivedUid('study', seed, bytes);
  const frameOfReference = ids?.frameOfReferenceUid || derivedUid('frame', seed, bytes);
  const instance = derivedUid('instance', seed, bytes);
  const patientName = ids?.patientName ?? 'bragg-engine^phantom', patientId = ids?.patientId ?? 'bragg-engine';
  // Strings beyond ASCII (a patient's name) are written as UTF-8, which SpecificCharacterSet must say (PS3.3 C.12.1.1.2).
  const ascii = [patientName, patientId, input.comment, input.software].every((t) => /^[\x20-\x7e]*$/.test(t));
  const dataset = {
    ...(ascii ? {} : { SpecificCharacterSet: 'ISO_IR 192' }),
    SOPClassUID: RT_DOSE_STORAGE, SOPInstanceUID: instance, Modality: 'RTDOSE',
    PatientName: patientName, PatientID: patientId, PatientBirthDate: '', PatientSex: '',
    StudyInstanceUID: study, StudyDate: '', StudyTime: '', ReferringPhysicianName: '', StudyID: '', AccessionNumber: '',
    SeriesInstanceUID: derivedUid('series', seed, bytes), SeriesNumber: 1, OperatorsName: '',
    FrameOfReferenceUID: frameOfReference, PositionReferenceIndicator: '',
    Manufacturer: 'bragg-engine', ManufacturerModelName: 'bragg-engine', SoftwareVersions: input.software,
    InstanceNumber: 1,
    ImagePositionPatient: input.firstCentreMm.map(ds), ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [ds(dy), ds(dx)], SliceThickness: ds(dz),
    NumberOfFrames: nz, FrameIncrementPointer: 0x3004000c,
    GridFrameOffsetVector: Array.from({ length: nz }, (_, k) => ds(k * dz)),
    SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2', Rows: ny, Columns: nx,
    BitsAllocated: 32, BitsStored: 32, HighBit: 31, PixelRepresentation: 0,
    DoseUnits: 'GY', DoseType: 'PHYSICAL', DoseSummationType: 'PLAN', DoseComment: input.comment.slice(0, 64),
    ...(input.referencedPlanUid ? { ReferencedRTPlanSequence: [{ ReferencedSOPClassUID: RT_ION_PLAN_STORAGE, ReferencedSOPInstanceUID: input.referencedPlanUid }] } : {}),
    TissueHeterogeneityCorrection: input.doseTo === 'WATER' ? ['IMAGE', 'WATER'] : ['IMAGE'],
    DoseGridScaling: scaling,
    PixelData: [pixels.buffer],
    _meta: {
      MediaStorageSOPClassUID: { Value: [RT_DOSE_STORAGE], vr: 'UI' },
      MediaStorageSOPInstanceUID: { Value: [instance], vr: 'UI' },
      TransferSyntaxUID: { Value: [EXPLICIT_VR_LITTLE_ENDIAN], vr: 'UI' },
      ImplementationClassUID: { Value: ['2.25.209872436511278460291747468216546417043'], vr: 'UI' },
    },
    _vrMap: { PixelData: 'OW' },
  };
  return new Uint8Array(dcmjs.data.datasetToBuffer(dataset));
}
