/**
 * Encoder and decoder for the NumPy `.npy` format, version 1.0
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 *
 * Layout: the magic string `\x93NUMPY`, the version bytes 1 and 0, a
 * little-endian uint16 header length, then an ASCII header holding a Python
 * dict literal, padded with spaces and terminated by `\n` so that the array
 * data starts at a multiple of 64 bytes. The data follow in C (row-major)
 * order as little-endian IEEE-754 values: `<f8` for Float64Array, `<f4` for
 * Float32Array; or as bytes, `|u1`, for Uint8Array. Units are not part of the format; callers document them.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] as const; // \x93NUMPY
/** Magic (6) + version (2) + header length field (2), in bytes. */
const PREAMBLE_BYTES = 10;
/** Alignment of the start of the array data, in bytes. */
const ALIGN_BYTES = 64;
/** Largest header a version 1.0 file can describe (uint16 length field). */
const MAX_HEADER_BYTES = 0xffff;

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Python tuple literal for a shape: `()`, `(5,)`, `(2, 3, 4)`. */
function shapeLiteral(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encode `data` (C order) as a complete `.npy` file with the given shape.
 * Throws a RangeError if a dimension is not a non-negative safe integer or if
 * the product of `shape` differs from `data.length`.
 */
export function encodeNpy(data: Float64Array | Float32Array | Uint8Array, shape: readonly number[]): Uint8Array {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new RangeError(`encodeNpy: invalid dimension ${dim} in shape [${shape.join(', ')}]`);
    }
    count *= dim;
  }
  if (count !== data.length) {
    throw new RangeError(
      `encodeNpy: shape [${shape.join(', ')}] holds ${count} values but data has ${data.length}`,
    );
  }

  const isF8 = data instanceof Float64Array;
  const descr = data instanceof Uint8Array ? '|u1' : isF8 ? '<f8' : '<f4';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  // Header = dict + spaces + '\n', sized so PREAMBLE + header is a multiple of 64.
  const unpadded = PREAMBLE_BYTES + dict.length + 1;
  const total = Math.ceil(unpadded / ALIGN_BYTES) * ALIGN_BYTES;
  const headerLen = total - PREAMBLE_BYTES;
  if (headerLen > MAX_HEADER_BYTES) throw new RangeError('encodeNpy: header too long for format 1.0');
  const header = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';

  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out[8] = headerLen & 0xff;
  out[9] = headerLen >>> 8;
  for (let i = 0; i < header.length; i++) out[PREAMBLE_BYTES + i] = header.charCodeAt(i);

  if (HOST_IS_LITTLE_ENDIAN || data instanceof Uint8Array) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  } else {
    const view = new DataView(out.buffer, out.byteOffset + total, data.byteLength);
    const width = isF8 ? 8 : 4;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (isF8) view.setFloat64(i * width, v, true);
      else view.setFloat32(i * width, v, true);
    }
  }
  return out;
}

/** An array read back from a `.npy` file: its dtype descriptor, shape and values (C order). */
export interface NpyArray {
  /** NumPy dtype descriptor: '<f8', '<f4' or '|u1'. */
  readonly descr: '<f8' | '<f4' | '|u1';
  readonly shape: readonly number[];
  readonly data: Float64Array | Float32Array | Uint8Array;
}

/**
 * Decode a `.npy` file of format version 1.0, 2.0 or 3.0 (versions 2 and 3
 * differ from 1 only in a uint32 header length) holding little-endian float64
 * or float32 values, or bytes (uint8), in C order: the kinds `encodeNpy` writes. Throws a
 * RangeError naming what is wrong for anything else: a bad magic string, an
 * unreadable header, another dtype, Fortran order, or a data section whose
 * length disagrees with the shape (a truncated file, say).
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < PREAMBLE_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new RangeError('decodeNpy: not a .npy file (no \\x93NUMPY magic)');
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new RangeError(`decodeNpy: unsupported format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new RangeError('decodeNpy: file ends inside the header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLen;
  if (dataStart > bytes.length) throw new RangeError('decodeNpy: file ends inside the header');
  const header = new TextDecoder('latin1').decode(bytes.subarray(8 + lengthBytes, dataStart));

  // The header is a Python dict literal with exactly these three keys (in any order).
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new RangeError(`decodeNpy: unreadable header ${JSON.stringify(header.trim())}`);
  }
  if (descr !== '<f8' && descr !== '<f4' && descr !== '|u1') throw new RangeError(`decodeNpy: dtype '${descr}' is not '<f8', '<f4' or '|u1'`);
  if (fortran === 'True') throw new RangeError('decodeNpy: Fortran-ordered arrays are not supported (need C order)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    if (!/^\d+L?$/.test(s)) throw new RangeError(`decodeNpy: invalid dimension '${s}' in the shape`);
    return Number.parseInt(s, 10);
  });

  const count = shape.reduce((a, b) => a * b, 1);
  const width = descr === '<f8' ? 8 : descr === '<f4' ? 4 : 1;
  const dataBytes = bytes.length - dataStart;
  if (dataBytes !== count * width) {
    throw new RangeError(`decodeNpy: shape (${shape.join(', ')}) needs ${count * width} data bytes, the file has ${dataBytes}`);
  }
  const data = descr === '<f8' ? new Float64Array(count) : descr === '<f4' ? new Float32Array(count) : new Uint8Array(count);
  if (HOST_IS_LITTLE_ENDIAN || width === 1) {
    // Copy the bytes: the data may not start on an 8-byte boundary of the underlying buffer.
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart));
  } else {
    for (let i = 0; i < count; i++) {
      data[i] = width === 8 ? view.getFloat64(dataStart + 8 * i, true) : view.getFloat32(dataStart + 4 * i, true);
    }
  }
  return { descr, shape, data };
}
