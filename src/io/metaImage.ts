/**
 * MetaImage, the 3-D image format of ITK, 3D Slicer, ITK-SNAP, Plastimatch and MCsquare (issue 12:
 * CT input, dose output): a text header of `Key = Value` lines, then the voxels, either in a data
 * file named by ElementDataFile (`.mhd` + `.raw`, or `.zraw` when CompressedData = True, zlib) or
 * in the same file after the header (`.mha`, ElementDataFile = LOCAL). The voxels run x fastest,
 * then y, then z. Keys used (ITK MetaIO documentation, "MetaImage" tags): ObjectType = Image,
 * NDims = 3, DimSize, ElementType, ElementSpacing (or ElementSize), Offset (or Origin, Position:
 * the centre of the first voxel, mm), TransformMatrix (or Rotation, Orientation: the direction
 * cosines of the x, y and z axes, row by row), BinaryData, BinaryDataByteOrderMSB (or
 * ElementByteOrderMSB), CompressedData, CompressedDataSize, ElementNumberOfChannels = 1,
 * ElementDataFile (last). Other keys (AnatomicalOrientation, CenterOfRotation, ...) are kept in
 * `extra` and otherwise ignored. Everything is checked before voxels are allocated; a bad header
 * gets one BraggInputError naming the file, the key and what is allowed.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { unzipSync } from 'node:zlib';
import { BraggInputError } from '../errors.js';

/** Element types and their arrays. */
const ELEMENT_TYPES = {
  MET_UCHAR: Uint8Array, MET_CHAR: Int8Array, MET_USHORT: Uint16Array, MET_SHORT: Int16Array,
  MET_UINT: Uint32Array, MET_INT: Int32Array, MET_FLOAT: Float32Array, MET_DOUBLE: Float64Array,
} as const;
export type MetaElementType = keyof typeof ELEMENT_TYPES;
export type MetaVoxels = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * The largest image read: Node reads files of at most 2^31 - 1 bytes at once, and an `.mha` holds
 * its header too (at most HEADER_READ_BYTES), so 2^31 - 2^16 - 1 bytes of voxels (a 1024 x 1024 x
 * 512 CT of shorts is 2^30).
 */
export const META_IMAGE_MAX_BYTES = 2 ** 31 - 2 ** 16 - 1;

export interface MetaImage {
  /** Voxels along x, y, z. */
  readonly dimSize: readonly [number, number, number];
  readonly spacingMm: readonly [number, number, number];
  /** Centre of the first voxel (mm). */
  readonly offsetMm: readonly [number, number, number];
  /** Direction cosines of the image's x, y and z axes, row by row (identity by default). */
  readonly direction: readonly number[];
  readonly elementType: MetaElementType;
  /** x fastest, then y, then z. */
  readonly voxels: MetaVoxels;
  /** Header keys not interpreted here, as written. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** A parsed header: the geometry, how to find the voxels, and the header's length in bytes (for `.mha`). */
export interface MetaImageHeader extends Omit<MetaImage, 'voxels'> {
  readonly dataFile: string;
  readonly compressed: boolean;
  readonly compressedBytes: number | null;
  readonly msb: boolean;
  readonly headerBytes: number;
}

const IDENTITY = Object.freeze([1, 0, 0, 0, 1, 0, 0, 0, 1]);
const KNOWN = new Set(['HeaderSize', 'ObjectType', 'NDims', 'DimSize', 'ElementType', 'ElementSpacing', 'ElementSize', 'Offset', 'Origin',
  'Position', 'TransformMatrix', 'Rotation', 'Orientation', 'BinaryData', 'BinaryDataByteOrderMSB', 'ElementByteOrderMSB',
  'CompressedData', 'CompressedDataSize', 'ElementNumberOfChannels', 'ElementDataFile']);

function fail(file: string, message: string): never {
  throw new BraggInputError(`${file}: ${message}`);
}

function numbers(file: string, key: string, value: string, count: number): number[] {
  const parts = value.trim().split(/\s+/);
  const list = parts.map(Number);
  if (parts.length !== count || list.some((x) => !Number.isFinite(x))) fail(file, `${key} must be ${count} numbers (got '${value.trim()}')`);
  return list;
}

function flag(file: string, key: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  // As MetaIO reads them: anything starting with T (or 1) is true, F (or 0) false.
  const v = value.trim().toLowerCase();
  if (v.startsWith('t') || v === '1') return true;
  if (v.startsWith('f') || v === '0') return false;
  return fail(file, `${key} must be True or False (got '${value.trim()}')`);
}

/**
 * Parses a MetaImage header from the start of `bytes` (an `.mhd`, or the head of an `.mha`: the
 * header ends with the ElementDataFile line). `file` names the file in error messages.
 */
export function parseMetaImageHeader(bytes: Uint8Array, file: string): MetaImageHeader {
  const values = new Map<string, string>();
  const order: string[] = [];
  let at = 0;
  let ended = false;
  const decoder = new TextDecoder('latin1');
  while (at < bytes.length && !ended) {
    let end = bytes.indexOf(0x0a, at);
    if (end < 0) end = bytes.length;
    if (end - at > 4096) fail(file, 'not a MetaImage header (a header line longer than 4096 bytes)');
    const line = decoder.decode(bytes.subarray(at, end)).replace(/\r$/, '');
    at = Math.min(end + 1, bytes.length);
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) fail(file, `not a MetaImage header (line '${line.slice(0, 60)}' has no '=')`);
    const key = line.slice(0, eq).trim();
    values.set(key, line.slice(eq + 1).trim());
    order.push(key);
    if (key === 'ElementDataFile') ended = true;
    if (order.length > 200) fail(file, 'not a MetaImage header (more than 200 lines before ElementDataFile)');
  }
  if (!ended) fail(file, 'ElementDataFile is missing (it must be the last header line)');
  const get = (key: string) => values.get(key);
  const objectType = get('ObjectType');
  if (objectType !== undefined && objectType.toLowerCase() !== 'image') fail(file, `ObjectType must be Image (got '${objectType}')`);
  const nDims = get('NDims');
  if (nDims === undefined) fail(file, 'NDims is missing (3 is supported)');
  if (nDims.trim() !== '3') fail(file, `NDims must be 3 (got '${nDims}')`);
  const dimText = get('DimSize') ?? fail(file, 'DimSize is missing (three voxel counts, x y z)');
  const dimSize = numbers(file, 'DimSize', dimText, 3);
  if (dimSize.some((n) => !Number.isInteger(n) || n < 1)) fail(file, `DimSize must be three positive integers (got '${dimText}')`);
  const typeText = (get('ElementType') ?? fail(file, `ElementType is missing (one of ${Object.keys(ELEMENT_TYPES).join(', ')})`)).trim();
  if (!(typeText in ELEMENT_TYPES)) fail(file, `ElementType must be one of ${Object.keys(ELEMENT_TYPES).join(', ')} (got '${typeText}')`);
  const elementType = typeText as MetaElementType;
  const channels = get('ElementNumberOfChannels');
  if (channels !== undefined && channels.trim() !== '1') fail(file, `ElementNumberOfChannels must be 1 (got '${channels}')`);
  const spacingKey = get('ElementSpacing') !== undefined ? 'ElementSpacing' : get('ElementSize') !== undefined ? 'ElementSize' : null;
  const spacingMm = spacingKey ? numbers(file, spacingKey, get(spacingKey)!, 3) : [1, 1, 1];
  if (spacingMm.some((s) => !(s > 0))) fail(file, `${spacingKey} must be three spacings > 0 mm (got '${get(spacingKey!)}')`);
  const offsetKey = ['Offset', 'Origin', 'Position'].find((k) => get(k) !== undefined);
  const offsetMm = offsetKey ? numbers(file, offsetKey, get(offsetKey)!, 3) : [0, 0, 0];
  const directionKey = ['TransformMatrix', 'Rotation', 'Orientation'].find((k) => get(k) !== undefined);
  const direction = directionKey ? numbers(file, directionKey, get(directionKey)!, 9) : [...IDENTITY];
  if (!flag(file, 'BinaryData', get('BinaryData'), true)) fail(file, 'BinaryData must be True (ASCII voxels are not read)');
  const msb = flag(file, 'BinaryDataByteOrderMSB', get('BinaryDataByteOrderMSB') ?? get('ElementByteOrderMSB'), false);
  const compressed = flag(file, 'CompressedData', get('CompressedData'), false);
  const sizeText = get('CompressedDataSize');
  const compressedBytes = sizeText === undefined ? null : Number(sizeText);
  if (compressedBytes !== null && !(Number.isInteger(compressedBytes) && compressedBytes > 0)) fail(file, `CompressedDataSize must be a positive integer (got '${sizeText}')`);
  const headerSize = get('HeaderSize');
  if (headerSize !== undefined && headerSize.trim() !== '0') fail(file, `HeaderSize must be 0 or absent (got '${headerSize}'; data files with a header of their own are not read)`);
  const dataFile = get('ElementDataFile')!.trim();
  if (dataFile === '' || dataFile.startsWith('LIST') || dataFile.includes('%')) {
    fail(file, `ElementDataFile must name one data file or be LOCAL (got '${dataFile}'; file lists and patterns are not read)`);
  }
  const extra: Record<string, string> = {};
  for (const key of order) if (!KNOWN.has(key)) extra[key] = values.get(key)!;
  const voxelBytes = dimSize[0]! * dimSize[1]! * dimSize[2]! * ELEMENT_TYPES[elementType].BYTES_PER_ELEMENT;
  if (voxelBytes > META_IMAGE_MAX_BYTES) fail(file, `DimSize ${dimSize.join(' x ')} of ${elementType} is ${voxelBytes} bytes, more than the ${META_IMAGE_MAX_BYTES} supported`);
  return {
    dimSize: dimSize as [number, number, number], spacingMm: spacingMm as [number, number, number], offsetMm: offsetMm as [number, number, number],
    direction, elementType, extra, dataFile, compressed, compressedBytes, msb, headerBytes: at,
  };
}

/** The voxels of `header` from the bytes of its data (inflated first when compressed); checks their size. */
export function decodeMetaImageVoxels(header: MetaImageHeader, data: Uint8Array, file: string): MetaImage {
  const Type = ELEMENT_TYPES[header.elementType];
  const count = header.dimSize[0] * header.dimSize[1] * header.dimSize[2];
  const expected = count * Type.BYTES_PER_ELEMENT;
  let raw = data;
  if (header.compressed) {
    if (header.compressedBytes !== null && header.compressedBytes !== data.length) {
      fail(file, `CompressedDataSize is ${header.compressedBytes} but the data hold ${data.length} bytes`);
    }
    try {
      raw = unzipSync(data, { maxOutputLength: expected + 1 }); // zlib or gzip, as MetaIO reads them
    } catch (error) {
      fail(file, `compressed voxels could not be inflated (zlib: ${(error as Error).message}); DimSize and ElementType need ${expected} bytes`);
    }
  }
  if (raw.length !== expected) {
    fail(file, `the data hold ${raw.length} bytes, but DimSize ${header.dimSize.join(' x ')} of ${header.elementType} needs ${expected}`);
  }
  const copy = new Uint8Array(expected);
  copy.set(raw);
  const size = Type.BYTES_PER_ELEMENT;
  if (header.msb && size > 1) {
    for (let i = 0; i < expected; i += size) copy.subarray(i, i + size).reverse();
  }
  const { dataFile: _d, compressed: _c, compressedBytes: _s, msb: _m, headerBytes: _h, ...geometry } = header;
  return { ...geometry, voxels: new Type(copy.buffer) };
}

/** The most header bytes read before the header must have ended. */
export const HEADER_READ_BYTES = 65536;

/** The first `bytes` bytes of a file (a header). */
export async function readStart(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The size of a regular file; a BraggInputError naming it otherwise (missing, a directory, a device or a pipe). */
export async function regularFileBytes(path: string, file: string, what: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return fail(file, `${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}: ${path})`);
  }
  if (!info.isFile()) fail(file, `${what} must be a regular file (${path} is not)`);
  return info.size;
}

/**
 * The first `bytes` bytes of a file that stat found regular (never more: files under /proc report
 * size 0 and never end), as one BraggInputError if that fails or the file is shorter.
 */
export async function readWhole(path: string, file: string, bytes: number): Promise<Uint8Array> {
  let data: Uint8Array;
  try {
    data = await readStart(path, bytes);
  } catch (error) {
    return fail(file, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (data.length !== bytes) fail(file, `${path} ended after ${data.length} of its ${bytes} bytes`);
  return data;
}

/** Reads an `.mhd` (with its data file) or an `.mha`; sizes are checked against the header before the voxels are read. */
export async function readMetaImage(path: string): Promise<MetaImage> {
  const file = basename(path);
  const size = await regularFileBytes(path, path, 'the MetaImage');
  let start: Uint8Array;
  try {
    start = await readStart(path, Math.min(size, HEADER_READ_BYTES));
  } catch (error) {
    return fail(path, `cannot read the MetaImage (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const header = parseMetaImageHeader(start, file);
  const voxelBytes = header.dimSize[0] * header.dimSize[1] * header.dimSize[2] * ELEMENT_TYPES[header.elementType].BYTES_PER_ELEMENT;
  const local = header.dataFile.toUpperCase() === 'LOCAL';
  const dataPath = local ? path : resolve(dirname(path), header.dataFile);
  const dataSize = local ? size - header.headerBytes : await regularFileBytes(dataPath, file, `ElementDataFile '${header.dataFile}'`);
  if (!header.compressed && dataSize !== voxelBytes) {
    fail(file, `${local ? 'the voxels after the header hold' : `ElementDataFile '${header.dataFile}' holds`} ${dataSize} bytes, but DimSize ${header.dimSize.join(' x ')} of ${header.elementType} needs ${voxelBytes}`);
  }
  if (header.compressed && header.compressedBytes !== null && header.compressedBytes !== dataSize) {
    fail(file, `CompressedDataSize is ${header.compressedBytes} but the data hold ${dataSize} bytes`);
  }
  if (header.compressed && !(dataSize > 0 && dataSize <= META_IMAGE_MAX_BYTES)) fail(file, `the compressed voxels hold ${dataSize} bytes (allowed: 1 ... ${META_IMAGE_MAX_BYTES})`);
  const data = await readWhole(dataPath, file, local ? size : dataSize);
  return decodeMetaImageVoxels(header, local ? data.subarray(header.headerBytes) : data, file);
}

const TYPE_OF = new Map<unknown, MetaElementType>(Object.entries(ELEMENT_TYPES).map(([k, v]) => [v, k as MetaElementType]));

function headerText(image: Omit<MetaImage, 'voxels' | 'elementType'>, elementType: MetaElementType, dataFile: string): string {
  const n = (list: readonly number[]) => list.map((x) => String(x)).join(' ');
  return [
    'ObjectType = Image', 'NDims = 3', 'BinaryData = True', 'BinaryDataByteOrderMSB = False', 'CompressedData = False',
    `TransformMatrix = ${n(image.direction)}`, `Offset = ${n(image.offsetMm)}`, 'CenterOfRotation = 0 0 0',
    `ElementSpacing = ${n(image.spacingMm)}`, `DimSize = ${n(image.dimSize)}`, `ElementType = ${elementType}`,
    `ElementDataFile = ${dataFile}`,
  ].join('\n') + '\n';
}

export function checkImage(image: MetaImage): MetaElementType {
  const [nx, ny, nz] = image.dimSize;
  if (![nx, ny, nz].every((d) => Number.isInteger(d) && d >= 1)) throw new RangeError(`MetaImage dimSize must be three positive integers (got ${image.dimSize.join(', ')})`);
  if (nx * ny * nz !== image.voxels.length) throw new RangeError(`MetaImage voxels hold ${image.voxels.length} values, dimSize ${image.dimSize.join(' x ')} needs ${nx * ny * nz}`);
  if (image.direction.length !== 9 || !image.direction.every(Number.isFinite)) throw new RangeError('MetaImage direction must hold 9 finite cosines');
  if (!image.spacingMm.every((x) => x > 0 && Number.isFinite(x)) || !image.offsetMm.every(Number.isFinite)) {
    throw new RangeError('MetaImage spacingMm must be finite and > 0, offsetMm finite');
  }
  const type = TYPE_OF.get(image.voxels.constructor);
  if (type === undefined || type !== image.elementType) throw new RangeError(`MetaImage voxels must be the array of ${image.elementType}`);
  return type;
}

/** Little-endian bytes of the voxels. */
export function voxelBytes(voxels: MetaVoxels): Uint8Array {
  const bytes = new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength).slice();
  const size = voxels.BYTES_PER_ELEMENT;
  if (size > 1 && new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  }
  return bytes;
}

/** `<name>.mhd` and `<name>.raw` (uncompressed, little-endian), for a run's output set. */
export function encodeMetaImage(image: MetaImage, name: string): { readonly mhd: string; readonly raw: Uint8Array } {
  const type = checkImage(image);
  return { mhd: headerText(image, type, `${name}.raw`), raw: voxelBytes(image.voxels) };
}

/** One `.mha` file (header and voxels). */
export function encodeMetaImageSingleFile(image: MetaImage): Uint8Array {
  const type = checkImage(image);
  const head = new TextEncoder().encode(headerText(image, type, 'LOCAL'));
  const data = voxelBytes(image.voxels);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}
