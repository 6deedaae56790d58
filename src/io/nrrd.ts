/**
 * NRRD, the 3-D image format of 3D Slicer and Teem (issue 12: CT input, image output), read into
 * and written from the same image record as MetaImage (metaImage.ts). A header of `field: value`
 * lines after the magic `NRRD000<n>`, comments `#`, ending with a blank line; the voxels follow
 * (attached) or sit in a `data file` (detached). Fields used (Teem's NRRD format definition,
 * teem.sourceforge.net/nrrd/format.html): type, dimension = 3, sizes, encoding (raw, gzip/gz),
 * endian, space (left-posterior-superior / LPS, right-anterior-superior / RAS: converted to LPS,
 * the patient frame of DICOM and ITK, by negating x and y), space directions (one vector per
 * axis: its length the spacing, its direction the axis), space origin (the first voxel's centre),
 * or spacings without a space; data file (one file; lists and patterns are refused); byte skip and
 * line skip must be 0. The voxels run along the first size fastest. Checks as in metaImage.ts:
 * one BraggInputError per bad field, sizes checked before the voxels are read.
 */
import { basename, dirname, resolve } from 'node:path';
import { BraggInputError } from '../errors.js';
import {
  checkImage, decodeMetaImageVoxels, HEADER_READ_BYTES, META_IMAGE_MAX_BYTES, readStart, readWhole, regularFileBytes, voxelBytes,
  type MetaElementType, type MetaImage, type MetaImageHeader,
} from './metaImage.js';

/** NRRD type names (all spellings of the format definition) and the element types they are. */
const TYPES: Readonly<Record<string, MetaElementType>> = Object.freeze({
  'signed char': 'MET_CHAR', int8: 'MET_CHAR', int8_t: 'MET_CHAR',
  uchar: 'MET_UCHAR', 'unsigned char': 'MET_UCHAR', uint8: 'MET_UCHAR', uint8_t: 'MET_UCHAR',
  short: 'MET_SHORT', 'short int': 'MET_SHORT', 'signed short': 'MET_SHORT', 'signed short int': 'MET_SHORT', int16: 'MET_SHORT', int16_t: 'MET_SHORT',
  ushort: 'MET_USHORT', 'unsigned short': 'MET_USHORT', 'unsigned short int': 'MET_USHORT', uint16: 'MET_USHORT', uint16_t: 'MET_USHORT',
  int: 'MET_INT', 'signed int': 'MET_INT', int32: 'MET_INT', int32_t: 'MET_INT',
  uint: 'MET_UINT', 'unsigned int': 'MET_UINT', uint32: 'MET_UINT', uint32_t: 'MET_UINT',
  float: 'MET_FLOAT', double: 'MET_DOUBLE',
});
const BYTES: Readonly<Record<MetaElementType, number>> = { MET_UCHAR: 1, MET_CHAR: 1, MET_USHORT: 2, MET_SHORT: 2, MET_UINT: 4, MET_INT: 4, MET_FLOAT: 4, MET_DOUBLE: 8 };
const NAMES: Readonly<Record<MetaElementType, string>> = { MET_UCHAR: 'uint8', MET_CHAR: 'int8', MET_USHORT: 'uint16', MET_SHORT: 'int16', MET_UINT: 'uint32', MET_INT: 'int32', MET_FLOAT: 'float', MET_DOUBLE: 'double' };

function fail(file: string, message: string): never {
  throw new BraggInputError(`${file}: ${message}`);
}

/** "(a,b,c)" vectors of a field, each 3 finite numbers. */
function vectors(file: string, field: string, value: string, count: number): number[][] {
  const found = value.match(/\(([^)]*)\)/g) ?? [];
  const words = found.map((v) => v.slice(1, -1).split(',').map((x) => x.trim()));
  const list = words.map((v) => v.map(Number));
  if (found.length !== count || words.some((v) => v.length !== 3 || v.some((x) => x === '')) || list.some((v) => v.some((x) => !Number.isFinite(x)))) {
    fail(file, `${field} must be ${count} vector${count > 1 ? 's' : ''} of 3 numbers like (1,0,0) (got '${value}')`);
  }
  return list;
}

/** The image record's header (metaImage.ts) from an NRRD header at the start of `bytes`. */
export function parseNrrdHeader(bytes: Uint8Array, file: string): MetaImageHeader {
  const decoder = new TextDecoder('latin1');
  const fields = new Map<string, string>();
  let at = 0;
  let first = true;
  let ended = false;
  while (at < bytes.length) {
    let end = bytes.indexOf(0x0a, at);
    if (end < 0) end = bytes.length;
    if (end - at > 4096) fail(file, 'not an NRRD header (a header line longer than 4096 bytes)');
    const line = decoder.decode(bytes.subarray(at, end)).replace(/\r$/, '');
    at = Math.min(end + 1, bytes.length);
    if (first) {
      if (!/^NRRD000[1-5]$/.test(line)) fail(file, `not an NRRD file (the first line must be NRRD0001 ... NRRD0005, got '${line.slice(0, 20)}')`);
      first = false;
      continue;
    }
    if (line === '') { ended = true; break; }
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(': ');
    if (colon < 0) {
      if (line.includes(':=')) continue; // key/value pairs: not geometry
      fail(file, `not an NRRD header (line '${line.slice(0, 60)}' is no 'field: value')`);
    }
    // Field names as Teem matches them: case and spaces do not matter ("space origin", "SpaceOrigin").
    fields.set(line.slice(0, colon).replace(/\s+/g, '').toLowerCase(), line.slice(colon + 2).trim());
  }
  if (first) fail(file, 'not an NRRD file (empty)');
  const get = (k: string) => fields.get(k);
  const dataFileField = get('datafile');
  if (!ended && dataFileField === undefined) fail(file, 'the header has no blank line before the voxels and no data file');
  const dimension = get('dimension') ?? fail(file, 'dimension is missing (3 is supported)');
  if (dimension !== '3') fail(file, `dimension must be 3 (got '${dimension}')`);
  const typeText = (get('type') ?? fail(file, 'type is missing (e.g. short, float)')).toLowerCase();
  const elementType = TYPES[typeText] ?? fail(file, `type must be one of int8, uint8, int16, uint16, int32, uint32, float, double (got '${typeText}')`);
  const sizesText = get('sizes') ?? fail(file, 'sizes is missing (three voxel counts)');
  const sizeWords = sizesText.split(/\s+/);
  const dimSize = sizeWords.map(Number);
  if (dimSize.length !== 3 || sizeWords.some((w) => !/^[0-9]+$/.test(w)) || dimSize.some((n) => n < 1)) fail(file, `sizes must be three positive integers (got '${sizesText}')`);
  const kinds = get('kinds');
  if (kinds !== undefined && kinds.split(/\s+/).some((k) => !['domain', 'space'].includes(k.toLowerCase()))) {
    fail(file, `kinds must all be domain or space (got '${kinds}'; colour and vector images are not read)`);
  }
  const encoding = (get('encoding') ?? fail(file, 'encoding is missing (raw or gzip)')).toLowerCase();
  if (!['raw', 'gzip', 'gz'].includes(encoding)) fail(file, `encoding must be raw or gzip (got '${encoding}')`);
  const endian = get('endian')?.toLowerCase();
  if (BYTES[elementType] > 1 && endian !== 'little' && endian !== 'big') fail(file, `endian must be little or big for ${typeText} (got '${endian ?? 'nothing'}')`);
  for (const skip of ['byte skip', 'line skip']) {
    const v = get(skip.replace(' ', ''));
    if (v !== undefined && v !== '0') fail(file, `${skip} must be 0 (got '${v}')`);
  }
  let spacingMm = [1, 1, 1];
  let direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  let offsetMm = [0, 0, 0];
  const space = get('space')?.toLowerCase();
  if (space === undefined && (get('spacedimension') !== undefined || get('spacedirections') !== undefined || get('spaceorigin') !== undefined)) {
    fail(file, 'space directions and space origin need a space: left-posterior-superior or right-anterior-superior (space dimension alone is not read)');
  }
  if (space !== undefined && get('spacings') !== undefined) fail(file, 'spacings cannot be given with a space (use space directions)');
  if (space !== undefined) {
    const ras = space === 'right-anterior-superior' || space === 'ras';
    if (!ras && space !== 'left-posterior-superior' && space !== 'lps') fail(file, `space must be left-posterior-superior or right-anterior-superior (got '${space}')`);
    const flip = (v: number[]) => (ras ? [-v[0]! + 0, -v[1]! + 0, v[2]!] : v); // + 0: no negative zeros
    const axes = vectors(file, 'space directions', get('spacedirections') ?? fail(file, 'space directions is missing (a space needs them)'), 3).map(flip);
    spacingMm = axes.map((a) => Math.hypot(a[0]!, a[1]!, a[2]!));
    if (spacingMm.some((s) => !(s > 0))) fail(file, 'space directions must not be zero vectors');
    direction = axes.flatMap((a, i) => a.map((x) => x / spacingMm[i]!));
    const origin = get('spaceorigin');
    if (origin !== undefined) offsetMm = flip(vectors(file, 'space origin', origin, 1)[0]!);
  } else if (get('spacings') !== undefined) {
    spacingMm = get('spacings')!.split(/\s+/).map(Number);
    if (spacingMm.length !== 3 || spacingMm.some((s) => !(s > 0) || !Number.isFinite(s))) fail(file, `spacings must be three spacings > 0 mm (got '${get('spacings')}')`);
  }
  let dataFile = 'LOCAL';
  if (dataFileField !== undefined) {
    if (dataFileField.startsWith('LIST') || dataFileField.includes('%')) fail(file, `data file must name one file (got '${dataFileField}'; lists and patterns are not read)`);
    dataFile = dataFileField;
  }
  const voxelBytes = dimSize[0]! * dimSize[1]! * dimSize[2]! * BYTES[elementType];
  if (voxelBytes > META_IMAGE_MAX_BYTES) fail(file, `sizes ${dimSize.join(' x ')} of ${typeText} are ${voxelBytes} bytes, more than the ${META_IMAGE_MAX_BYTES} supported`);
  return {
    dimSize: dimSize as [number, number, number], spacingMm: spacingMm as [number, number, number], offsetMm: offsetMm as [number, number, number],
    direction, elementType, dataFile, compressed: encoding !== 'raw', compressedBytes: null, msb: endian === 'big', headerBytes: at,
  };
}

/** Reads an `.nrrd` (attached voxels) or an `.nhdr` with its data file. */
export async function readNrrd(path: string): Promise<MetaImage> {
  const file = basename(path);
  const size = await regularFileBytes(path, path, 'the NRRD file');
  let start: Uint8Array;
  try {
    start = await readStart(path, Math.min(size, HEADER_READ_BYTES));
  } catch (error) {
    return fail(path, `cannot read the NRRD file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const header = parseNrrdHeader(start, file);
  const local = header.dataFile === 'LOCAL';
  const dataPath = local ? path : resolve(dirname(path), header.dataFile);
  const dataSize = local ? size - header.headerBytes : await regularFileBytes(dataPath, file, `data file '${header.dataFile}'`);
  const voxelCount = header.dimSize[0] * header.dimSize[1] * header.dimSize[2] * BYTES[header.elementType];
  if (!header.compressed && dataSize !== voxelCount) {
    fail(file, `the voxels hold ${dataSize} bytes, but sizes ${header.dimSize.join(' x ')} of ${NAMES[header.elementType]} need ${voxelCount}`);
  }
  if (header.compressed && !(dataSize > 0 && dataSize <= META_IMAGE_MAX_BYTES)) fail(file, `the compressed voxels hold ${dataSize} bytes (allowed: 1 ... ${META_IMAGE_MAX_BYTES})`);
  const data = await readWhole(dataPath, file, local ? size : dataSize);
  return decodeMetaImageVoxels(header, local ? data.subarray(header.headerBytes) : data, file);
}

/** One `.nrrd` file (attached raw little-endian voxels) in the LPS frame. */
export function encodeNrrd(image: MetaImage): Uint8Array {
  const type = checkImage(image);
  const axis = (i: number) => `(${[0, 1, 2].map((j) => image.direction[3 * i + j]! * image.spacingMm[i]!).join(',')})`;
  const head = new TextEncoder().encode([
    'NRRD0004', `type: ${NAMES[type]}`, 'dimension: 3', 'space: left-posterior-superior', `sizes: ${image.dimSize.join(' ')}`,
    `space directions: ${axis(0)} ${axis(1)} ${axis(2)}`, 'kinds: domain domain domain', 'endian: little', 'encoding: raw',
    `space origin: (${image.offsetMm.join(',')})`,
  ].join('\n') + '\n\n');
  const data = voxelBytes(image.voxels);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}
