/**
 * A DICOM RT Structure Set (PS3.3 A.19; C.8.8.5 Structure Set, C.8.8.6 ROI Contour) as regions of
 * interest made of planar contours in the patient frame (mm), parsed by dcmjs: each ROI of
 * StructureSetROISequence with the CLOSED_PLANAR contours of its ROIContourSequence item
 * (ContourData: x1, y1, z1, x2, ...). Open contours and points are passed over (they enclose no
 * volume); a closed contour off one plane, or ContourData that is not triples of numbers, is
 * refused in one line.
 */
import { BraggInputError } from '../../errors.js';
import { isDicomFile, readDicomDataset } from './ctSeries.js';

const RT_STRUCTURE_SET_STORAGE = '1.2.840.10008.5.1.4.1.1.481.3';
/** A contour's points may differ in z by this much (writers round decimal strings). */
const PLANE_TOLERANCE_MM = 1e-3;

export interface PlanarContour {
  readonly zMm: number;
  /** x1, y1, x2, y2, ... (mm). */
  readonly xy: Float64Array;
}

export interface RegionOfInterest {
  readonly number: number;
  readonly name: string;
  readonly contours: readonly PlanarContour[];
}

export interface StructureSet {
  readonly label: string;
  readonly frameOfReferenceUid: string;
  readonly rois: readonly RegionOfInterest[];
}

type Dataset = Record<string, unknown>;
const items = (d: Dataset, keyword: string): Dataset[] => {
  const v = d[keyword];
  return Array.isArray(v) ? v as Dataset[] : v && typeof v === 'object' ? [v as Dataset] : [];
};

export function rtStructFromBytes(bytes: Uint8Array, file: string): StructureSet {
  if (!isDicomFile(bytes)) throw new BraggInputError(`${file}: not a DICOM file (no DICM marker)`);
  const { dataset } = readDicomDataset(bytes, file);
  if (dataset.Modality !== 'RTSTRUCT' || dataset.SOPClassUID !== RT_STRUCTURE_SET_STORAGE) {
    throw new BraggInputError(`${file}: Modality ${String(dataset.Modality ?? '(none)')}, SOP class ${String(dataset.SOPClassUID ?? '(none)')}: expected an RT Structure Set (RTSTRUCT, ${RT_STRUCTURE_SET_STORAGE})`);
  }
  const names = new Map<number, { name: string; frame: string }>();
  for (const roi of items(dataset, 'StructureSetROISequence')) {
    names.set(Number(roi.ROINumber), { name: String(roi.ROIName ?? `ROI ${String(roi.ROINumber)}`), frame: String(roi.ReferencedFrameOfReferenceUID ?? '') });
  }
  const frames = new Set([...names.values()].map((n) => n.frame).filter((f) => f !== ''));
  if (frames.size > 1) throw new BraggInputError(`${file}: ROIs on ${frames.size} frames of reference: one is read`);
  const rois: RegionOfInterest[] = [];
  for (const [k, item] of items(dataset, 'ROIContourSequence').entries()) {
    const number = Number(item.ReferencedROINumber);
    const roi = names.get(number);
    if (!roi) throw new BraggInputError(`${file}: ROIContourSequence item ${k + 1} refers to ROI ${String(item.ReferencedROINumber)}, which StructureSetROISequence lacks`);
    const contours: PlanarContour[] = [];
    for (const [c, contour] of items(item, 'ContourSequence').entries()) {
      if (contour.ContourGeometricType !== 'CLOSED_PLANAR') continue;
      const raw = contour.ContourData;
      const data = (Array.isArray(raw) ? raw : [raw]).map(Number);
      const where = `${file}: ROI '${roi.name}', contour ${c + 1}`;
      if (data.length < 9 || data.length % 3 !== 0 || data.some((v) => !Number.isFinite(v))) {
        throw new BraggInputError(`${where}: ContourData must be at least three (x, y, z) triples of numbers (got ${data.length} values)`);
      }
      const z = data[2]!;
      const xy = new Float64Array(data.length / 3 * 2);
      for (let p = 0; p < data.length / 3; p++) {
        if (Math.abs(data[3 * p + 2]! - z) > PLANE_TOLERANCE_MM) throw new BraggInputError(`${where}: its points lie on more than one z plane (${z} and ${data[3 * p + 2]} mm): only axial contours are read`);
        xy[2 * p] = data[3 * p]!;
        xy[2 * p + 1] = data[3 * p + 1]!;
      }
      contours.push({ zMm: z, xy });
    }
    if (contours.length > 0) rois.push({ number, name: roi.name, contours });
  }
  if (rois.length === 0) throw new BraggInputError(`${file}: no ROI with closed planar contours`);
  return { label: String(dataset.StructureSetLabel ?? ''), frameOfReferenceUid: [...frames][0] ?? '', rois };
}
