/**
 * Encoder for the NumPy `.npy` format, version 1.0
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 *
 * Layout: the magic string `\x93NUMPY`, the version bytes 1 and 0, a
 * little-endian uint16 header length, then an ASCII header holding a Python
 * dict literal, padded with spaces and terminated by `\n` so that the array
 * data starts at a multiple of 64 bytes. The data follow in C (row-major)
 * order as little-endian IEEE-754 values: `<f8` for Float64Array, `<f4` for
 * Float32Array. Units are not part of the format; callers document them.
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
export function encodeNpy(data: Float64Array | Float32Array, shape: readonly number[]): Uint8Array {
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
  const descr = isF8 ? '<f8' : '<f4';
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

  if (HOST_IS_LITTLE_ENDIAN) {
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
