/**
 * A DICOM CT series (a folder of CT Image Storage files, one slice each) as one image of CT
 * numbers (HU), in the patient's frame (DICOM PS3.3 C.7.6.2: ImagePositionPatient is the centre of
 * a slice's first pixel, ImageOrientationPatient its row and column directions, PixelSpacing
 * (between rows, between columns)), parsed by dcmjs. HU = stored value * RescaleSlope +
 * RescaleIntercept (C.11.1.1.2). Slices may come in any order: they are sorted by position along
 * the slices' normal, and their spacing is taken from the positions (SliceThickness is not spacing).
 *
 * Refused, each with one line naming the file or slices: no CT slices, more than one CT series,
 * slices that differ in size, spacing, orientation or pixel format, orientations other than axial
 * (rows along the patient's x, columns along y), slices not stacked straight along z (a tilted
 * gantry), two slices at one position, uneven spacing (a missing slice), compressed or big-endian
 * transfer syntaxes, pixels other than 16-bit single samples.
 */
import dcmjs from 'dcmjs';
import { BraggInputError } from '../../errors.js';
import type { MetaImage } from '../metaImage.js';
import { MAX_VOXELS } from '../../geometry/phantom.js';

/** Identifiers of the series that outputs (RT Dose) must carry to sit on the CT. */
export interface CtSeriesIdentifiers {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly frameOfReferenceUid: string;
  readonly patientId: string;
  readonly patientName: string;
}

export interface CtSeries {
  readonly image: MetaImage;
  readonly identifiers: CtSeriesIdentifiers;
}

/** Uncompressed little-endian transfer syntaxes (PS3.5 A.1, A.2), the only ones read. */
const TRANSFER_SYNTAXES = new Map([['1.2.840.10008.1.2', 'implicit VR little endian'], ['1.2.840.10008.1.2.1', 'explicit VR little endian']]);
/** CT Image Storage and Enhanced CT Image Storage SOP classes (PS3.4 B.5); only the first is read. */
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
/** Positions and directions agree within these (writers round decimal strings). */
const ORIENTATION_TOLERANCE = 1e-4;
const POSITION_TOLERANCE_MM = 1e-3;
/** Gaps between slices may differ from their median by this fraction at most. */
const SPACING_TOLERANCE = 0.01;

interface Slice {
  readonly file: string;
  readonly positionMm: readonly [number, number, number];
  readonly pixels: Int16Array | Uint16Array;
  readonly slope: number;
  readonly intercept: number;
}

const fail = (message: string): never => { throw new BraggInputError(message); };

/** A (possibly multi-valued) attribute's numbers, or a failure naming the file and keyword. */
function numbers(dataset: Record<string, unknown>, keyword: string, count: number, file: string): number[] {
  const raw = dataset[keyword];
  const values = (Array.isArray(raw) ? raw : raw === undefined || raw === null || raw === '' ? [] : [raw]).map(Number);
  if (values.length !== count || values.some((v) => !Number.isFinite(v))) {
    fail(`${file}: ${keyword} must hold ${count} number${count === 1 ? '' : 's'} (got ${raw === undefined ? 'nothing' : JSON.stringify(raw)})`);
  }
  return values;
}

/** A string attribute's (first) value; a person name's alphabetic form. */
function text(dataset: Record<string, unknown>, keyword: string): string {
  const raw = dataset[keyword];
  const value: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && 'Alphabetic' in value) return String((value as { Alphabetic: unknown }).Alphabetic);
  return String(value);
}

/** Whether bytes are a DICOM Part 10 file: 128 bytes of preamble, then 'DICM'. */
export function isDicomFile(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** One DICOM file's dataset (naturalized) and its transfer syntax; a BraggInputError naming the file if dcmjs cannot read it. */
export function readDicomDataset(bytes: Uint8Array, file: string): { readonly dataset: Record<string, unknown>; readonly transferSyntax: string } {
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const parsed = dcmjs.data.DicomMessage.readFile(buffer);
    const transferSyntax = String(parsed.meta['00020010']?.Value?.[0] ?? '');
    return { dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(parsed.dict), transferSyntax };
  } catch (error) {
    // (dcmjs and the inflater it uses may throw strings, not Errors)
    return fail(`${file}: not a readable DICOM file (${String((error as Error)?.message ?? error).split('\n')[0]})`);
  }
}

/** The CT slices among `files` (name and bytes) as one image; other DICOM objects (RT Plan, RT Struct, ...) are passed over. */
export function ctSeriesFromFiles(files: readonly { readonly name: string; readonly bytes: Uint8Array }[], folder: string): CtSeries {
  const bySeries = new Map<string, { slices: Slice[]; first: Record<string, unknown>; format: string; firstFile: string }>();
  const otherModalities = new Set<string>();
  for (const { name, bytes } of files) {
    if (!isDicomFile(bytes)) continue;
    const { dataset, transferSyntax } = readDicomDataset(bytes, name);
    const modality = text(dataset, 'Modality');
    if (modality !== 'CT') { otherModalities.add(modality || 'no Modality'); continue; }
    if (text(dataset, 'SOPClassUID') !== CT_IMAGE_STORAGE) fail(`${name}: SOP class ${text(dataset, 'SOPClassUID')} is not CT Image Storage (${CT_IMAGE_STORAGE}); multi-frame CTs are not read`);
    if (!TRANSFER_SYNTAXES.has(transferSyntax)) fail(`${name}: transfer syntax ${transferSyntax || '(none)'} is not read (only uncompressed little endian: ${[...TRANSFER_SYNTAXES.keys()].join(', ')}); decompress the series first`);
    const series = text(dataset, 'SeriesInstanceUID');
    const [rows, columns] = [numbers(dataset, 'Rows', 1, name)[0]!, numbers(dataset, 'Columns', 1, name)[0]!];
    if (!(Number.isInteger(rows) && rows >= 1 && Number.isInteger(columns) && columns >= 1)) fail(`${name}: Rows ${rows} and Columns ${columns} must be positive integers`);
    const bits = numbers(dataset, 'BitsAllocated', 1, name)[0]!;
    const signed = numbers(dataset, 'PixelRepresentation', 1, name)[0]!;
    const samples = dataset.SamplesPerPixel === undefined ? 1 : numbers(dataset, 'SamplesPerPixel', 1, name)[0]!;
    if (bits !== 16 || samples !== 1 || (signed !== 0 && signed !== 1)) fail(`${name}: pixels of BitsAllocated ${bits}, SamplesPerPixel ${samples}, PixelRepresentation ${signed}: only 16-bit single samples are read`);
    const format = JSON.stringify({
      rows, columns, signed,
      spacing: numbers(dataset, 'PixelSpacing', 2, name),
      orientation: numbers(dataset, 'ImageOrientationPatient', 6, name).map((v) => Math.round(v / ORIENTATION_TOLERANCE) * ORIENTATION_TOLERANCE),
    });
    const position = numbers(dataset, 'ImagePositionPatient', 3, name) as [number, number, number];
    const pixelData = dataset.PixelData;
    const frame = Array.isArray(pixelData) ? pixelData[0] : undefined;
    if (!(frame instanceof ArrayBuffer) || frame.byteLength < 2 * rows * columns) {
      fail(`${name}: PixelData must hold ${rows} x ${columns} 16-bit pixels (${2 * rows * columns} bytes; got ${frame instanceof ArrayBuffer ? frame.byteLength : 'none'})`);
    }
    const pixels = signed === 1 ? new Int16Array(frame as ArrayBuffer, 0, rows * columns) : new Uint16Array(frame as ArrayBuffer, 0, rows * columns);
    const slope = dataset.RescaleSlope === undefined ? 1 : numbers(dataset, 'RescaleSlope', 1, name)[0]!;
    const intercept = dataset.RescaleIntercept === undefined ? 0 : numbers(dataset, 'RescaleIntercept', 1, name)[0]!;
    let entry = bySeries.get(series);
    if (!entry) { entry = { slices: [], first: dataset, format, firstFile: name }; bySeries.set(series, entry); }
    if (format !== entry.format) fail(`${name}: its size, pixel spacing, orientation or pixel format differ from ${entry.firstFile}'s (${format} against ${entry.format})`);
    entry.slices.push({ file: name, positionMm: position, pixels, slope, intercept });
  }
  if (bySeries.size === 0) {
    fail(`${folder}: no CT slices among its ${files.length} files${otherModalities.size ? ` (found DICOM ${[...otherModalities].join(', ')})` : ''}`);
  }
  if (bySeries.size > 1) fail(`${folder}: ${bySeries.size} CT series (${[...bySeries.keys()].join(', ')}): put each in a folder of its own`);
  const [seriesUid, { slices, first, format }] = [...bySeries.entries()][0]!;
  const { rows, columns, spacing, orientation } = JSON.parse(format) as { rows: number; columns: number; spacing: [number, number]; orientation: number[] };
  const axial = [1, 0, 0, 0, 1, 0];
  if (orientation.some((v, k) => Math.abs(v - axial[k]!) > ORIENTATION_TOLERANCE)) {
    fail(`${folder}: ImageOrientationPatient ${orientation.join('\\')}: only axial slices with rows along the patient's x and columns along y (1\\0\\0\\0\\1\\0) are read`);
  }
  slices.sort((a, b) => a.positionMm[2] - b.positionMm[2]);
  const [x0, y0] = slices[0]!.positionMm;
  for (const s of slices) {
    if (Math.abs(s.positionMm[0] - x0) > POSITION_TOLERANCE_MM || Math.abs(s.positionMm[1] - y0) > POSITION_TOLERANCE_MM) {
      fail(`${s.file}: ImagePositionPatient x, y (${s.positionMm[0]}, ${s.positionMm[1]}) differ from the first slice's (${x0}, ${y0}): slices must stack straight along z (no gantry tilt)`);
    }
  }
  if (slices.length < 2) fail(`${folder}: one CT slice: a series needs at least two to give the slice spacing`);
  const gaps = slices.slice(1).map((s, k) => s.positionMm[2] - slices[k]!.positionMm[2]);
  gaps.forEach((gap, k) => {
    if (gap < POSITION_TOLERANCE_MM) fail(`${slices[k]!.file} and ${slices[k + 1]!.file}: two slices at z = ${slices[k]!.positionMm[2]} mm`);
  });
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
  gaps.forEach((gap, k) => {
    if (Math.abs(gap - median) > SPACING_TOLERANCE * median) {
      fail(`${folder}: slices are not evenly spaced: ${gap.toFixed(3)} mm between z = ${slices[k]!.positionMm[2]} and ${slices[k + 1]!.positionMm[2]} mm where the others are ${median.toFixed(3)} mm (a missing slice?)`);
    }
  });
  const spacingZ = (slices[slices.length - 1]!.positionMm[2] - slices[0]!.positionMm[2]) / (slices.length - 1);
  const perSlice = rows * columns;
  if (perSlice * slices.length > MAX_VOXELS) fail(`${folder}: ${columns} x ${rows} x ${slices.length} voxels, more than the ${MAX_VOXELS} supported`);
  const hu = new Float32Array(perSlice * slices.length);
  slices.forEach((s, k) => {
    const out = hu.subarray(k * perSlice, (k + 1) * perSlice);
    for (let i = 0; i < perSlice; i++) out[i] = s.pixels[i]! * s.slope + s.intercept;
  });
  return {
    image: {
      dimSize: [columns, rows, slices.length], spacingMm: [spacing[1], spacing[0], spacingZ],
      offsetMm: slices[0]!.positionMm, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], elementType: 'MET_FLOAT', voxels: hu,
    },
    identifiers: {
      studyInstanceUid: text(first, 'StudyInstanceUID'), seriesInstanceUid: seriesUid, frameOfReferenceUid: text(first, 'FrameOfReferenceUID'),
      patientId: text(first, 'PatientID'), patientName: text(first, 'PatientName'),
    },
  };
}
