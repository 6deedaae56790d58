import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../src/io/npy.js';

function headerOf(bytes: Uint8Array): { headerLen: number; text: string } {
  const headerLen = (bytes[8] as number) | ((bytes[9] as number) << 8);
  const text = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + headerLen));
  return { headerLen, text };
}

describe('encodeNpy header layout', () => {
  it('writes magic, version 1.0, header length and a 64-byte-aligned dict header', () => {
    const data = new Float64Array(24).map((_, i) => i);
    const bytes = encodeNpy(data, [2, 3, 4]);
    expect(Array.from(bytes.subarray(0, 6))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    expect(bytes[6]).toBe(1);
    expect(bytes[7]).toBe(0);
    const { headerLen, text } = headerOf(bytes);
    expect((10 + headerLen) % 64).toBe(0);
    expect(bytes.length).toBe(10 + headerLen + 24 * 8);
    expect(text.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }")).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1)).toMatch(/^\{[^\n]*\} *$/);
  });

  it('writes a 1-D shape as a one-element tuple and float32 as <f4', () => {
    const bytes = encodeNpy(new Float32Array(5), [5]);
    const { headerLen, text } = headerOf(bytes);
    expect(text).toContain("'shape': (5,)");
    expect(text).toContain("'descr': '<f4'");
    expect((10 + headerLen) % 64).toBe(0);
    expect(bytes.length).toBe(10 + headerLen + 5 * 4);
  });

  it('keeps alignment when the header needs more than one 64-byte block', () => {
    const shape = [1, 2, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const bytes = encodeNpy(new Float64Array(6), shape);
    const { headerLen, text } = headerOf(bytes);
    expect(10 + headerLen).toBeGreaterThan(64);
    expect((10 + headerLen) % 64).toBe(0);
    expect(text).toContain(`'shape': (${shape.join(', ')})`);
  });

  it('writes the data little-endian in C order', () => {
    const data = new Float64Array([1.5, -2.25, Math.PI]);
    const bytes = encodeNpy(data, [3]);
    const start = 10 + headerOf(bytes).headerLen;
    const view = new DataView(bytes.buffer, bytes.byteOffset + start);
    expect(view.getFloat64(0, true)).toBe(1.5);
    expect(view.getFloat64(8, true)).toBe(-2.25);
    expect(view.getFloat64(16, true)).toBe(Math.PI);
    // 1.5 = 0x3FF8000000000000: the sign/exponent byte comes last in little-endian order.
    expect(Array.from(bytes.subarray(start, start + 8))).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);

    const f32 = encodeNpy(new Float32Array([1.5]), [1]);
    const s32 = 10 + headerOf(f32).headerLen;
    expect(Array.from(f32.subarray(s32))).toEqual([0, 0, 0xc0, 0x3f]);
  });

  it('throws when the shape does not match the data length', () => {
    expect(() => encodeNpy(new Float64Array(23), [2, 3, 4])).toThrow(/24/);
    expect(() => encodeNpy(new Float64Array(4), [2, -2])).toThrow();
    expect(() => encodeNpy(new Float64Array(4), [2, 2.5])).toThrow();
  });
});

describe('decodeNpy', () => {
  it('reads back what encodeNpy writes, float64 and float32, whatever the byte offset of the input', () => {
    const data = new Float64Array(24).map((_, i) => i * 1.1 - 7);
    const bytes = encodeNpy(data, [2, 3, 4]);
    const unaligned = new Uint8Array(bytes.length + 3).subarray(3);
    unaligned.set(bytes);
    const got = decodeNpy(unaligned);
    expect(got.descr).toBe('<f8');
    expect(got.shape).toEqual([2, 3, 4]);
    expect(Array.from(got.data)).toEqual(Array.from(data));
    const f32 = decodeNpy(encodeNpy(new Float32Array([1.5, -2]), [2]));
    expect(f32.descr).toBe('<f4');
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f32.data)).toEqual([1.5, -2]);
  });

  it('names what is wrong with a file it cannot read', () => {
    const good = encodeNpy(new Float64Array(6), [2, 3]);
    const withHeader = (from: string, to: string) => {
      const copy = good.slice();
      const text = new TextDecoder('latin1').decode(copy.subarray(10, 10 + (copy[8]! | (copy[9]! << 8)))).replace(from, to);
      for (let i = 0; i < text.length; i++) copy[10 + i] = text.charCodeAt(i);
      return copy;
    };
    expect(() => decodeNpy(new Uint8Array(5))).toThrow(/magic/);
    expect(() => decodeNpy(good.subarray(0, good.length - 8))).toThrow(/data bytes/);
    expect(() => decodeNpy(withHeader("'fortran_order': False", "'fortran_order': True "))).toThrow(/Fortran/);
    expect(() => decodeNpy(withHeader("'<f8'", "'>f8'"))).toThrow(/dtype/);
    expect(() => decodeNpy(withHeader("'shape': (2, 3)", "'shape': (2, x)"))).toThrow(/dimension/);
  });
});

function findPythonWithNumpy(): string {
  for (const exe of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(exe, ['-c', 'import numpy'], { stdio: 'ignore' });
    if (r.status === 0) return exe;
  }
  throw new Error('no python3 with numpy found (tried python3, /usr/bin/python3); install python3-numpy');
}

const LOAD_SCRIPT = `
import json, sys, numpy
arr = numpy.load(sys.argv[1], allow_pickle=False)
out = {'shape': list(arr.shape), 'dtype': str(arr.dtype), 'c_contiguous': bool(arr.flags.c_contiguous),
       'values': [float(v) for v in arr.ravel(order='C')]}
if arr.ndim == 3:
    out['at_1_2_3'] = float(arr[1, 2, 3])
print(json.dumps(out))
`;

interface Loaded {
  shape: number[];
  dtype: string;
  c_contiguous: boolean;
  values: number[];
  at_1_2_3?: number;
}

describe('encodeNpy round trip through NumPy', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bragg-npy-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function load(name: string, bytes: Uint8Array): Promise<Loaded> {
    const python = findPythonWithNumpy();
    const path = join(dir, name);
    await writeFile(path, bytes);
    const r = spawnSync(python, ['-c', LOAD_SCRIPT, path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`numpy.load failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Loaded;
  }

  it('loads a [2,3,4] float64 array with the right shape, dtype and values', async () => {
    const data = new Float64Array(24).map((_, i) => i * 1.1 + 1 / 3 - (i % 2 ? 1e-12 : 0));
    const got = await load('a.npy', encodeNpy(data, [2, 3, 4]));
    expect(got.shape).toEqual([2, 3, 4]);
    expect(got.dtype).toBe('float64');
    expect(got.c_contiguous).toBe(true);
    expect(got.values).toEqual(Array.from(data));
    expect(got.at_1_2_3).toBe(data[1 * 12 + 2 * 4 + 3]);
  });

  it('decodes a file NumPy wrote, and refuses a Fortran-ordered one', async () => {
    const python = findPythonWithNumpy();
    const save = async (name: string, expression: string) => {
      const path = join(dir, name);
      const r = spawnSync(python, ['-c', `import sys, numpy; numpy.save(sys.argv[1], ${expression})`, path], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`numpy.save failed: ${r.stderr}`);
      return readFile(path);
    };
    const cOrder = 'numpy.arange(24, dtype="<f8").reshape(2, 3, 4) / 8';
    const got = decodeNpy(await save('c.npy', cOrder));
    expect(got.shape).toEqual([2, 3, 4]);
    expect(Array.from(got.data)).toEqual(Array.from({ length: 24 }, (_, i) => i / 8));
    const fortran = await save('f.npy', `numpy.asfortranarray(${cOrder})`);
    expect(() => decodeNpy(fortran)).toThrow(/Fortran/);
  });

  it('loads a 1-D float32 array exactly', async () => {
    const data = new Float32Array([0.1, -7.25, 3.0e-20, 65504, 1 / 3]);
    const got = await load('b.npy', encodeNpy(data, [5]));
    expect(got.shape).toEqual([5]);
    expect(got.dtype).toBe('float32');
    expect(got.values).toEqual(Array.from(data));
  });
});
