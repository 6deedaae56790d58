/**
 * A DICOM RT Ion Plan (PS3.3 A.50; C.8.8.25 RT Ion Beams, C.8.8.25.7 Ion Control Point Sequence,
 * C.8.8.13 Fraction Group) as fields of energy layers of spots in monitor units (beamModel.ts:
 * FieldInMU), parsed by dcmjs. Each treatment beam of IonBeamSequence (TREATMENT, modulated
 * scanning) is a field; its control points come in energy layers, each with NominalBeamEnergy,
 * ScanSpotPositionMap (x1, y1, x2, y2, ... mm at the isocentre plane, IEC gantry X, Y) and
 * ScanSpotMetersetWeights; a spot's MU is BeamMeterset (FractionGroupSequence >
 * ReferencedBeamSequence) x its weight / FinalCumulativeMetersetWeight. Spots of weight 0 (the
 * closing control point of a layer) are left out. Gantry, couch angle and isocentre are taken from
 * a beam's first control point (later ones may leave them out); VirtualSourceAxisDistances if given.
 * Range shifters, range modulators, blocks and compensators are refused (not modelled yet); so are
 * plans of more than one fraction group, setup or verification beams only, patient positions other
 * than head-first supine and pitch or roll angles. The MU are a fraction's (BeamMeterset).
 */
import { BraggInputError } from '../../errors.js';
import type { FieldInMU } from '../../beam/beamModel.js';
import { isDicomFile, readDicomDataset } from './ctSeries.js';

const RT_ION_PLAN_STORAGE = '1.2.840.10008.5.1.4.1.1.481.8';

type Dataset = Record<string, unknown>;
const fail = (message: string): never => { throw new BraggInputError(message); };
const items = (d: Dataset, keyword: string): Dataset[] => {
  const v = d[keyword];
  return Array.isArray(v) ? v as Dataset[] : v && typeof v === 'object' ? [v as Dataset] : [];
};
const list = (v: unknown): number[] => (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).map(Number);
const one = (d: Dataset, keyword: string): number | undefined => {
  const values = list(d[keyword]);
  return values.length ? values[0] : undefined;
};

export interface RtIonPlan {
  readonly particle: 'proton' | 'helium' | 'carbon' | 'oxygen';
  readonly label: string;
  readonly fields: readonly FieldInMU[];
  /** For the RT Dose's Referenced RT Plan Sequence, and to check the CT's frame of reference. */
  readonly sopInstanceUid: string;
  readonly frameOfReferenceUid: string;
}

export function rtIonPlanFromBytes(bytes: Uint8Array, file: string): RtIonPlan {
  if (!isDicomFile(bytes)) fail(`${file}: not a DICOM file (no DICM marker)`);
  const { dataset } = readDicomDataset(bytes, file);
  const sop = String(dataset.SOPClassUID ?? '');
  if (dataset.Modality !== 'RTPLAN' || sop !== RT_ION_PLAN_STORAGE) {
    fail(`${file}: Modality ${String(dataset.Modality ?? '(none)')}, SOP class ${sop || '(none)'}: expected an RT Ion Plan (RTPLAN, ${RT_ION_PLAN_STORAGE})`);
  }
  // The room geometry (beamGeometry.ts) is that of a head-first supine patient.
  for (const setup of items(dataset, 'PatientSetupSequence')) {
    if (setup.PatientPosition !== undefined && setup.PatientPosition !== 'HFS') {
      fail(`${file}: PatientPosition ${String(setup.PatientPosition)}: only head-first supine (HFS) plans are read`);
    }
  }
  const groups = items(dataset, 'FractionGroupSequence');
  if (groups.length !== 1) fail(`${file}: ${groups.length} fraction groups (FractionGroupSequence): one is read`);
  const meterset = new Map<number, number>();
  for (const ref of items(groups[0]!, 'ReferencedBeamSequence')) {
    const beam = one(ref, 'ReferencedBeamNumber'), mu = one(ref, 'BeamMeterset');
    if (beam !== undefined && mu !== undefined) meterset.set(beam, mu);
  }
  const beams = items(dataset, 'IonBeamSequence').filter((b) => (b.TreatmentDeliveryType ?? 'TREATMENT') === 'TREATMENT');
  if (beams.length === 0) fail(`${file}: no treatment beam in IonBeamSequence`);
  const kinds = new Set(beams.map((b) => String(b.RadiationType ?? '')));
  const particle = kinds.size === 1 && kinds.has('PROTON') ? 'proton' : fail(`${file}: RadiationType ${[...kinds].join(', ')}: only PROTON plans are read (ion plans need RadiationAtomicNumber handling)`);
  const fields = beams.map((beam, b): FieldInMU => {
    const where = `${file}: IonBeamSequence item ${b + 1} (beam ${String(beam.BeamNumber ?? '?')}${beam.BeamName ? ` '${String(beam.BeamName)}'` : ''})`;
    if (beam.ScanMode !== undefined && beam.ScanMode !== 'MODULATED' && beam.ScanMode !== 'MODULATED_SPEC') fail(`${where}: ScanMode ${String(beam.ScanMode)}: only spot scanning (MODULATED) is read`);
    for (const keyword of ['RangeShifterSequence', 'RangeModulatorSequence', 'IonBlockSequence', 'IonRangeCompensatorSequence']) {
      if (items(beam, keyword).length > 0) fail(`${where}: has a ${keyword.replace('Sequence', '')}, which is not modelled yet`);
    }
    const mu = meterset.get(Number(beam.BeamNumber)) ?? fail(`${where}: no BeamMeterset for it in the fraction group`);
    const total = one(beam, 'FinalCumulativeMetersetWeight') ?? fail(`${where}: no FinalCumulativeMetersetWeight`);
    if (!(total > 0)) fail(`${where}: FinalCumulativeMetersetWeight must be positive (got ${total})`);
    const points = items(beam, 'IonControlPointSequence');
    if (points.length === 0) fail(`${where}: no IonControlPointSequence`);
    const first = points[0]!;
    const gantry = one(first, 'GantryAngle') ?? fail(`${where}: control point 1 has no GantryAngle`);
    const couch = one(first, 'PatientSupportAngle') ?? 0;
    for (const keyword of ['GantryPitchAngle', 'TableTopPitchAngle', 'TableTopRollAngle']) {
      const angle = one(first, keyword) ?? 0;
      if (angle !== 0) fail(`${where}: ${keyword} ${angle}: only gantry and couch angles are applied (pitch and roll must be 0)`);
    }
    const iso = list(first.IsocenterPosition);
    if (iso.length !== 3 || iso.some((v) => !Number.isFinite(v))) fail(`${where}: control point 1 must give IsocenterPosition as three numbers`);
    const sad = list(beam.VirtualSourceAxisDistances);
    const layers: FieldInMU['layers'][number][] = [];
    let energy: number | undefined;
    points.forEach((point, p) => {
      energy = one(point, 'NominalBeamEnergy') ?? energy;
      const weights = list(point.ScanSpotMetersetWeights);
      if (weights.length === 0) return;
      const at = `${where}, control point ${p + 1}`;
      if (energy === undefined) fail(`${at}: no NominalBeamEnergy before its spots`);
      const map = list(point.ScanSpotPositionMap);
      if (map.length !== 2 * weights.length) fail(`${at}: ScanSpotPositionMap holds ${map.length} numbers for ${weights.length} ScanSpotMetersetWeights (expected ${2 * weights.length})`);
      if ([...map, ...weights].some((v) => !Number.isFinite(v)) || weights.some((w) => w < 0)) fail(`${at}: spot positions and weights must be finite numbers, weights not negative`);
      const spots = weights.flatMap((w, k) => (w > 0 ? [[map[2 * k]!, map[2 * k + 1]!, (mu * w) / total] as const] : []));
      if (spots.length) layers.push({ nominalMeVPerU: energy!, spots });
    });
    if (layers.length === 0) fail(`${where}: no spot with a positive weight`);
    return {
      gantryAngleDeg: ((gantry % 360) + 360) % 360, couchAngleDeg: ((couch % 360) + 360) % 360,
      isocenterMm: iso as unknown as [number, number, number],
      ...(sad.length === 2 && sad.every((v) => v > 0) ? { sourceAxisDistanceMm: sad as unknown as [number, number] } : {}),
      layers,
    };
  });
  return {
    particle, label: String(dataset.RTPlanLabel ?? ''), fields,
    sopInstanceUid: String(dataset.SOPInstanceUID ?? ''), frameOfReferenceUid: String(dataset.FrameOfReferenceUID ?? ''),
  };
}
