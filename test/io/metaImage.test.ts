// MetaImage (.mhd + .raw/.zraw, .mha): round trips, the byte orders and compression other tools
// write, and one clear error naming the key for each malformed header (issue 12, parts 1 and 6).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BraggInputError } from '../../src/errors.js';
import { encodeMetaImage, encodeMetaImageSingleFile, META_IMAGE_MAX_BYTES, readMetaImage, type MetaImage } from '../../src/io/metaImage.js';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'bragg-mhd-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** A 4 x 3 x 2 CT-like image: HU = 100 x + 10 y + z - 1000. */
function ct(): MetaImage {
  const voxels = new Int16Array(24);
  for (let z = 0; z < 2; z++) for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) voxels[(z * 3 + y) * 4 + x] = 100 * x + 10 * y + z - 1000;
  return {
    dimSize: [4, 3, 2], spacingMm: [0.9765625, 0.9765625, 2.5], offsetMm: [-250.5, -180, 12.25],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], elementType: 'MET_SHORT', voxels,
  };
}

const header = (lines: string[]) => lines.join('\n') + '\n';
const BASE = ['ObjectType = Image', 'NDims = 3', 'DimSize = 4 3 2', 'ElementType = MET_SHORT', 'ElementSpacing = 1 1 2'];

async function expectInputError(name: string, text: string, pattern: RegExp, data?: Uint8Array): Promise<void> {
  const path = join(dir, name);
  await writeFile(path, text);
  if (data) await writeFile(join(dir, `${name}.raw`), data);
  const error = await readMetaImage(path).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BraggInputError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toMatch(/\n/);
}

describe('MetaImage', () => {
  it('round-trips .mhd + .raw and .mha: geometry and voxels exactly', async () => {
    const image = ct();
    const { mhd, raw } = encodeMetaImage(image, 'ct');
    await writeFile(join(dir, 'ct.mhd'), mhd);
    await writeFile(join(dir, 'ct.raw'), raw);
    for (const back of [await readMetaImage(join(dir, 'ct.mhd')), await (async () => {
      await writeFile(join(dir, 'ct.mha'), encodeMetaImageSingleFile(image));
      return readMetaImage(join(dir, 'ct.mha'));
    })()]) {
      expect(back.dimSize).toEqual([4, 3, 2]);
      expect(back.spacingMm).toEqual([0.9765625, 0.9765625, 2.5]);
      expect(back.offsetMm).toEqual([-250.5, -180, 12.25]);
      expect(back.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      expect(back.elementType).toBe('MET_SHORT');
      expect(Array.from(back.voxels)).toEqual(Array.from(image.voxels));
      expect(back.voxels[(1 * 3 + 2) * 4 + 3]).toBe(300 + 20 + 1 - 1000); // x fastest, then y, then z
    }
    // Float voxels (a dose) too.
    const dose: MetaImage = { ...ct(), elementType: 'MET_FLOAT', voxels: Float32Array.from({ length: 24 }, (_, i) => i * 1.5e-9) };
    const f = encodeMetaImage(dose, 'dose');
    await writeFile(join(dir, 'dose.mhd'), f.mhd);
    await writeFile(join(dir, 'dose.raw'), f.raw);
    expect(Array.from((await readMetaImage(join(dir, 'dose.mhd'))).voxels)).toEqual(Array.from(dose.voxels));
  });

  it('reads what other tools write: big-endian voxels, zlib-compressed .zraw, Origin and ElementSize spellings, extra keys', async () => {
    const image = ct();
    const big = new Uint8Array(48);
    const view = new DataView(big.buffer);
    image.voxels.forEach((v, i) => view.setInt16(2 * i, v, false));
    await writeFile(join(dir, 'msb.raw'), big);
    await writeFile(join(dir, 'msb.mhd'), header([...BASE.slice(0, 4), 'ElementSize = 1 1 2', 'Origin = 1 2 3', 'AnatomicalOrientation = RAI',
      'BinaryData = True', 'BinaryDataByteOrderMSB = True', 'ElementDataFile = msb.raw']));
    const msb = await readMetaImage(join(dir, 'msb.mhd'));
    expect(Array.from(msb.voxels)).toEqual(Array.from(image.voxels));
    expect(msb.offsetMm).toEqual([1, 2, 3]);
    expect(msb.extra).toEqual({ AnatomicalOrientation: 'RAI' });

    const little = encodeMetaImage(image, 'x').raw;
    const packed = deflateSync(little);
    await writeFile(join(dir, 'z.zraw'), packed);
    await writeFile(join(dir, 'z.mhd'), header([...BASE, 'CompressedData = True', `CompressedDataSize = ${packed.length}`, 'ElementDataFile = z.zraw']));
    expect(Array.from((await readMetaImage(join(dir, 'z.mhd'))).voxels)).toEqual(Array.from(image.voxels));
    // gzip instead of zlib, T/F flags, and an .mha with CRLF line ends.
    await writeFile(join(dir, 'g.zraw'), gzipSync(little));
    await writeFile(join(dir, 'g.mhd'), header([...BASE, 'CompressedData = T', 'BinaryDataByteOrderMSB = F', 'ElementDataFile = g.zraw']));
    expect(Array.from((await readMetaImage(join(dir, 'g.mhd'))).voxels)).toEqual(Array.from(image.voxels));
    const crlf = new TextEncoder().encode([...BASE, 'ElementDataFile = LOCAL'].join('\r\n') + '\r\n');
    const mha = new Uint8Array(crlf.length + little.length);
    mha.set(crlf); mha.set(little, crlf.length);
    await writeFile(join(dir, 'crlf.mha'), mha);
    expect(Array.from((await readMetaImage(join(dir, 'crlf.mha'))).voxels)).toEqual(Array.from(image.voxels));
  });

  it('refuses malformed headers and data with one line naming the key, before reading the voxels', async () => {
    const raw48 = new Uint8Array(48);
    await expectInputError('a.mhd', header(['NDims = 3', 'ElementType = MET_SHORT', 'ElementDataFile = a.mhd.raw']), /DimSize is missing/, raw48);
    await expectInputError('b.mhd', header(['NDims = 2', 'DimSize = 4 3', 'ElementType = MET_SHORT', 'ElementDataFile = b.mhd.raw']), /NDims must be 3/, raw48);
    await expectInputError('c.mhd', header([...BASE.slice(0, 3), 'ElementType = MET_HALF', 'ElementDataFile = c.mhd.raw']), /ElementType must be one of MET_UCHAR/, raw48);
    await expectInputError('d.mhd', header([...BASE, 'ElementDataFile = d.mhd.raw']), /holds 47 bytes, but DimSize 4 x 3 x 2 of MET_SHORT needs 48/, new Uint8Array(47));
    await expectInputError('e.mhd', header([...BASE, 'ElementDataFile = nowhere.raw']), /ElementDataFile 'nowhere.raw' cannot be read \(ENOENT/);
    await expectInputError('f.mhd', header([...BASE, 'ElementDataFile = LIST 2D']), /file lists and patterns are not read/);
    await expectInputError('g.mhd', header([...BASE.slice(0, 2), 'DimSize = 4 -3 2', 'ElementType = MET_SHORT', 'ElementDataFile = g.mhd.raw']), /DimSize must be three positive integers/, raw48);
    await expectInputError('h.mhd', header([...BASE, 'ElementDataFile = h.mhd.raw'].filter((l) => !l.startsWith('ElementDataFile'))), /ElementDataFile is missing/);
    await expectInputError('i.mhd', header([...BASE.slice(0, 2), 'DimSize = 4096 4096 4096', 'ElementType = MET_DOUBLE', 'ElementDataFile = i.mhd.raw']), new RegExp(`more than the ${META_IMAGE_MAX_BYTES} supported`), raw48);
    await expectInputError('j.mhd', header([...BASE, 'ElementSpacing = 1 0 2', 'ElementDataFile = j.mhd.raw']), /ElementSpacing must be three spacings > 0/, raw48);
    await expectInputError('k.mhd', 'this is not a header\n', /has no '='/);
    await expectInputError('l.mhd', header([...BASE, 'CompressedData = True', 'ElementDataFile = l.mhd.raw']), /could not be inflated/, raw48);
    // Data that is not a regular file (a directory, a device: /dev/zero would never end) is refused before reading.
    await expectInputError('p.mhd', header([...BASE, 'CompressedData = True', 'ElementDataFile = /proc/self/pagemap']), /the compressed voxels hold 0 bytes/);
    await expectInputError('m.mhd', header([...BASE, 'CompressedData = True', 'ElementDataFile = /dev/zero']), /ElementDataFile '\/dev\/zero' must be a regular file/);
    await expectInputError('n.mhd', header([...BASE, 'ElementDataFile = .']), /ElementDataFile '\.' must be a regular file/);
    await expectInputError('o.mhd', header([...BASE, 'CompressedData = True', 'CompressedDataSize = 5', 'ElementDataFile = o.mhd.raw']), /CompressedDataSize is 5 but the data hold 48 bytes/, raw48);
    const missing = await readMetaImage(join(dir, 'absent.mhd')).then(() => null, (e: unknown) => e);
    expect(missing).toBeInstanceOf(BraggInputError);
    expect((missing as Error).message).toMatch(/absent\.mhd: the MetaImage cannot be read \(ENOENT/);
    const folder = await readMetaImage(dir).then(() => null, (e: unknown) => e);
    expect((folder as Error).message).toMatch(/the MetaImage must be a regular file/);
  });
});
