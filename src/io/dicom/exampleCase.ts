/**
 * A synthetic patient for the README's worked example (`bragg example`): a CT series of a water
 * cylinder (180 mm across, 0 HU) with a bone rod (1200 HU) and a lung-like insert (-700 HU) in air
 * (-1000 HU), 128 x 128 x 60 voxels of 2 mm, written as DICOM CT slices; an RT Structure Set
 * (Body, Target, Rod) on the CT's frame of reference; and a two-field JSON plan (gantry 90 and 270,
 * two energy layers of 3 x 3 spots each) aimed at the Target. Made up for the example, not a patient.
 */
import { createHash } from 'node:crypto';
import dcmjs from 'dcmjs';

const N = 128, SLICES = 60, VOXEL_MM = 2;
const uid = (what: string) => `2.25.${BigInt(`0x${createHash('sha256').update(`bragg-engine example ${what}`).digest('hex').slice(0, 32)}`).toString()}`;
const STUDY = uid('study'), SERIES = uid('series'), FRAME = uid('frame');
const patient = { PatientName: 'Example^Cylinder', PatientID: 'BRAGG-EXAMPLE', PatientBirthDate: '', PatientSex: '' };
const study = { StudyInstanceUID: STUDY, StudyDate: '', StudyTime: '', ReferringPhysicianName: '', StudyID: 'EX', AccessionNumber: '' };
const meta = (sopClass: string, instance: string) => ({
  MediaStorageSOPClassUID: { Value: [sopClass], vr: 'UI' }, MediaStorageSOPInstanceUID: { Value: [instance], vr: 'UI' },
  TransferSyntaxUID: { Value: ['1.2.840.10008.1.2.1'], vr: 'UI' },
});

/** Centre of voxel column/row k (mm): the grid is centred on x = y = 0. */
const centre = (k: number) => (k - N / 2 + 0.5) * VOXEL_MM;
const zOf = (slice: number) => slice * VOXEL_MM;  // slices at z = 0 ... 118 mm

function hounsfield(x: number, y: number): number {
  if (Math.hypot(x, y) > 90) return -1000;
  if (Math.hypot(x + 40, y) < 10) return 1200;   // the rod, on the patient's right
  if (Math.hypot(x, y - 45) < 18) return -700;   // the insert, posterior
  return 0;
}

/** The CT slices, as file name and bytes. */
export function exampleCtSlices(): { name: string; bytes: Uint8Array }[] {
  return Array.from({ length: SLICES }, (_, s) => {
    const pixels = new Int16Array(N * N);
    for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) pixels[r * N + c] = hounsfield(centre(c), centre(r)) + 1024;
    const instance = uid(`slice ${s}`);
    const dataset = {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2', SOPInstanceUID: instance, Modality: 'CT', ...patient, ...study,
      SeriesInstanceUID: SERIES, SeriesNumber: 1, FrameOfReferenceUID: FRAME, PositionReferenceIndicator: '', InstanceNumber: s + 1,
      ImagePositionPatient: [centre(0), centre(0), zOf(s)], ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      PixelSpacing: [VOXEL_MM, VOXEL_MM], SliceThickness: VOXEL_MM, Rows: N, Columns: N, SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2', BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 1,
      RescaleIntercept: -1024, RescaleSlope: 1, PixelData: [pixels.buffer],
      _meta: meta('1.2.840.10008.5.1.4.1.1.2', instance), _vrMap: { PixelData: 'OW' },
    };
    return { name: `CT${String(s + 1).padStart(4, '0')}.dcm`, bytes: new Uint8Array(dcmjs.data.datasetToBuffer(dataset)) };
  });
}

/** A circle as ContourData, to 0.001 mm (DICOM decimal strings hold 16 characters). */
const circle = (cx: number, cy: number, r: number, z: number, points = 48) =>
  Array.from({ length: points }, (_, k) => [cx + r * Math.cos((2 * Math.PI * k) / points), cy + r * Math.sin((2 * Math.PI * k) / points), z])
    .flat().map((v) => Math.round(v * 1000) / 1000 + 0);

/** The RT Structure Set: Body (the cylinder), Target (a 40 mm cylinder at the centre, z 40-80 mm), Rod. */
export function exampleStructures(): Uint8Array {
  const planes = Array.from({ length: SLICES }, (_, s) => zOf(s));
  const rois = [
    { name: 'Body', contours: planes.map((z) => circle(0, 0, 90, z)) },
    { name: 'Target', contours: planes.filter((z) => z >= 40 && z <= 78).map((z) => circle(0, 0, 20, z)) },
    { name: 'Rod', contours: planes.map((z) => circle(-40, 0, 10, z, 24)) },
  ];
  const instance = uid('structures');
  const dataset = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.481.3', SOPInstanceUID: instance, Modality: 'RTSTRUCT', ...patient, ...study,
    SeriesInstanceUID: uid('structure series'), SeriesNumber: 2, StructureSetLabel: 'EXAMPLE', StructureSetDate: '', StructureSetTime: '',
    StructureSetROISequence: rois.map((r, k) => ({ ROINumber: k + 1, ReferencedFrameOfReferenceUID: FRAME, ROIName: r.name, ROIGenerationAlgorithm: 'MANUAL' })),
    ROIContourSequence: rois.map((r, k) => ({
      ReferencedROINumber: k + 1, ROIDisplayColor: [[0, 128, 255], [255, 0, 0], [255, 255, 0]][k],
      ContourSequence: r.contours.map((data) => ({ ContourGeometricType: 'CLOSED_PLANAR', NumberOfContourPoints: data.length / 3, ContourData: data })),
    })),
    _meta: meta('1.2.840.10008.5.1.4.1.1.481.3', instance),
  };
  return new Uint8Array(dcmjs.data.datasetToBuffer(dataset));
}

/** Two opposed lateral fields on the Target (isocentre at its centre), 3 x 3 spots 10 mm apart in two layers. */
export function examplePlan(): unknown {
  const spots = (weight: number) => Array.from({ length: 9 }, (_, k) => [-10 + 10 * (k % 3), -10 + 10 * Math.floor(k / 3), weight]);
  const field = (gantryAngleDeg: number) => ({
    gantryAngleDeg, isocenterMm: [0, 0, 60], sourceAxisDistanceMm: 2000,
    layers: [{ energyMeVPerU: 105, spotSigmaMm: 5, spots: spots(4e8) }, { energyMeVPerU: 120, spotSigmaMm: 5, spots: spots(6e8) }],
  });
  return { fields: [field(90), field(270)] };
}
