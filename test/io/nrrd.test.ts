// NRRD (.nrrd, .nhdr + data): round trips, the frames and encodings 3D Slicer and Teem write, and
// one clear error per malformed field (issue 12, part 1).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BraggInputError } from '../../src/errors.js';
import type { MetaImage } from '../../src/io/metaImage.js';
import { encodeNrrd, readNrrd } from '../../src/io/nrrd.js';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'bragg-nrrd-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

function ct(): MetaImage {
  const voxels = Int16Array.from({ length: 24 }, (_, i) => 7 * i - 1000);
  return { dimSize: [4, 3, 2], spacingMm: [0.5, 0.75, 2], offsetMm: [-100, 20.5, 3], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], elementType: 'MET_SHORT', voxels };
}
const littleBytes = (v: MetaImage['voxels']) => new Uint8Array(v.buffer.slice(0));
const head = (lines: string[]) => ['NRRD0004', ...lines].join('\n') + '\n\n';
const BASE = ['type: short', 'dimension: 3', 'sizes: 4 3 2', 'endian: little'];

async function expectInputError(name: string, bytes: Uint8Array | string, pattern: RegExp): Promise<void> {
  await writeFile(join(dir, name), bytes);
  const error = await readNrrd(join(dir, name)).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BraggInputError);
  expect((error as Error).message).toMatch(pattern);
}

describe('NRRD', () => {
  it('round-trips an attached .nrrd: geometry and voxels exactly', async () => {
    const text = new TextDecoder().decode(encodeNrrd({ ...ct(), direction: [0, 1, 0, -1, 0, 0, 0, 0, 1] }).subarray(0, 400));
    expect(text).toContain('space directions: (0,0.5,0) (-0.75,0,0) (0,0,2)\n'); // one vector per axis, scaled by its spacing
    expect(text).toContain('space origin: (-100,20.5,3)\n');
    await writeFile(join(dir, 'ct.nrrd'), encodeNrrd(ct()));
    const back = await readNrrd(join(dir, 'ct.nrrd'));
    expect(back.dimSize).toEqual([4, 3, 2]);
    expect(back.spacingMm).toEqual([0.5, 0.75, 2]);
    expect(back.offsetMm).toEqual([-100, 20.5, 3]);
    expect(back.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(back.voxels)).toEqual(Array.from(ct().voxels));
  });

  it('reads RAS frames as LPS, detached gzip data, big-endian voxels and plain spacings', async () => {
    const voxels = ct().voxels;
    await writeFile(join(dir, 'ras.raw.gz'), gzipSync(littleBytes(voxels)));
    await writeFile(join(dir, 'ras.nhdr'), head([...BASE, 'space: right-anterior-superior', 'space directions: (-0.5,0,0) (0,-0.75,0) (0,0,2)',
      'space origin: (100,-20.5,3)', 'encoding: gzip', 'data file: ras.raw.gz', '# a comment', 'key:=value']));
    const ras = await readNrrd(join(dir, 'ras.nhdr'));
    expect(ras.offsetMm).toEqual([-100, 20.5, 3]);
    expect(ras.spacingMm).toEqual([0.5, 0.75, 2]);
    expect(ras.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(ras.voxels)).toEqual(Array.from(voxels));

    // An oblique RAS frame (axes permuted and rotated): each axis's x and y flip, the spacing is each vector's length.
    await writeFile(join(dir, 'obl.nhdr'), head([...BASE, 'Space: RAS', 'Space Directions: (0,0.6,0.8) (-2,0,0) (0,0,-3)',
      'SpaceOrigin: (1,2,3)', 'kinds: domain domain domain', 'encoding: gzip', 'data file: ras.raw.gz']));
    const obl = await readNrrd(join(dir, 'obl.nhdr'));
    expect(obl.spacingMm).toEqual([1, 2, 3]);
    expect(obl.offsetMm).toEqual([-1, -2, 3]);
    expect(obl.direction.map((x) => Number(x.toFixed(12)))).toEqual([0, -0.6, 0.8, 1, 0, 0, 0, 0, -1]);

    const big = new Uint8Array(48);
    voxels.forEach((v, i) => new DataView(big.buffer).setInt16(2 * i, v, false));
    const header = new TextEncoder().encode(head(['type: int16', 'dimension: 3', 'sizes: 4 3 2', 'endian: big', 'spacings: 1 1 2.5', 'encoding: raw']));
    const file = new Uint8Array(header.length + 48);
    file.set(header); file.set(big, header.length);
    await writeFile(join(dir, 'big.nrrd'), file);
    const b = await readNrrd(join(dir, 'big.nrrd'));
    expect(b.spacingMm).toEqual([1, 1, 2.5]);
    expect(Array.from(b.voxels)).toEqual(Array.from(voxels));
  });

  it('refuses malformed files with one line naming the field', async () => {
    const raw = (lines: string[], bytes = 48) => {
      const h = new TextEncoder().encode(head(lines));
      const out = new Uint8Array(h.length + bytes);
      out.set(h);
      return out;
    };
    await expectInputError('a.nrrd', 'P6\n', /not an NRRD file \(the first line must be NRRD0001/);
    await expectInputError('b.nrrd', raw(['type: short', 'dimension: 2', 'sizes: 4 3', 'endian: little', 'encoding: raw']), /dimension must be 3/);
    await expectInputError('c.nrrd', raw(['type: half', 'dimension: 3', 'sizes: 4 3 2', 'encoding: raw']), /type must be one of int8/);
    await expectInputError('d.nrrd', raw(['type: short', 'dimension: 3', 'sizes: 4 3 2', 'encoding: raw']), /endian must be little or big/);
    await expectInputError('e.nrrd', raw([...BASE, 'encoding: raw'], 47), /the voxels hold 47 bytes, but sizes 4 x 3 x 2 of int16 need 48/);
    await expectInputError('f.nrrd', raw([...BASE, 'encoding: bzip2']), /encoding must be raw or gzip/);
    await expectInputError('g.nrrd', raw([...BASE, 'encoding: raw', 'byte skip: -1']), /byte skip must be 0/);
    await expectInputError('h.nhdr', head([...BASE, 'encoding: raw', 'data file: LIST']), /data file must name one file/);
    await expectInputError('i.nrrd', raw([...BASE, 'encoding: raw', 'space: LPS', 'space directions: (1,0,0) (0,1,0)']), /space directions must be 3 vectors/);
    await expectInputError('j.nhdr', head([...BASE, 'encoding: raw', 'data file: /dev/zero']), /data file '\/dev\/zero' must be a regular file/);
    await expectInputError('l.nrrd', raw([...BASE, 'encoding: raw', 'kinds: RGB-color domain domain']), /kinds must all be domain or space/);
    await expectInputError('m.nrrd', raw([...BASE, 'encoding: raw', 'space dimension: 3', 'space directions: (0,2,0) (3,0,0) (0,0,4)']), /need a space/);
    await expectInputError('n.nrrd', raw([...BASE, 'encoding: raw', 'space: LPS', 'space directions: (1,,0) (0,1,0) (0,0,1)']), /space directions must be 3 vectors/);
    await expectInputError('o.nhdr', head([...BASE, 'encoding: gzip', 'data file: /proc/self/pagemap']), /the compressed voxels hold 0 bytes/);
    await expectInputError('k.nrrd', raw([...BASE, 'encoding: raw', 'space: scanner-xyz', 'space directions: (1,0,0) (0,1,0) (0,0,1)']), /space must be left-posterior-superior or right-anterior-superior/);
  });
});
