// A CT as the phantom (src/geometry/ctPhantom.ts, loadPhantom.ts): a slab phantom written as a
// synthetic CT (MetaImage and NRRD, CT numbers mapped by a CSV calibration onto the regions'
// materials and densities) must give the regions' dose bit for bit, on the CT's own frame.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate } from '../../src/simulate.js';
import { parseConfig } from '../../src/config/schema.js';
import { loadPhantom } from '../../src/geometry/loadPhantom.js';
import { getMaterial } from '../../src/physics/materials.js';
import { encodeMetaImage, readMetaImage, type MetaImage } from '../../src/io/metaImage.js';
import { encodeNrrd } from '../../src/io/nrrd.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'bragg-ct-'));
const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

// 40 x 40 x 120 mm of water with compact bone at depths 30-50 mm, 2 mm voxels.
const [nx, ny, nz] = [20, 20, 60];
const VOXEL_MM = 2;
// (an HU on a calibration bound takes the interval below it, as MCsquare: bone's voxels sit above 3000)
const BONE_HU = 3001, WATER_HU = -1000;
/** The CT's first voxel centre: x and y as the regions' phantom (centred), z anywhere (here 101 mm). */
const OFFSET_MM = [-19, -19, 101] as const;

const regionsConfig = {
  beam: { particle: 'proton', energyMeVPerU: 100, spotSigmaMm: 4 },
  phantom: { sizeMm: [40, 40, 120], voxelSizeMm: [2, 2, 2], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 30, zMaxMm: 50 }] },
  transport: { histories: 1500, seed: 21 },
} as const;

/** The slab phantom as CT numbers: bone where a voxel centre's depth is in [30, 50) mm. */
function slabCt(direction: readonly number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1]): MetaImage {
  const voxels = new Int16Array(nx * ny * nz);
  for (let iz = 0; iz < nz; iz++) {
    const depth = (iz + 0.5) * VOXEL_MM;
    voxels.fill(depth >= 30 && depth < 50 ? BONE_HU : WATER_HU, iz * nx * ny, (iz + 1) * nx * ny);
  }
  return { dimSize: [nx, ny, nz], spacingMm: [VOXEL_MM, VOXEL_MM, VOXEL_MM], offsetMm: OFFSET_MM, direction, elementType: 'MET_SHORT', voxels };
}

/** hu,density,material rows: water's density at and below -1000 HU, compact bone's above 3000 HU (the densities exactly the built-in ones). */
function calibrationCsv(): string {
  const water = getMaterial('water').densityGPerCm3, bone = getMaterial('compact-bone').densityGPerCm3;
  return `hu,density_g_per_cm3,material\n${WATER_HU},${water},water\n3000,${bone},compact-bone\n`;
}

function writeCt(dir: string, image = slabCt()): void {
  const { mhd, raw } = encodeMetaImage(image, 'ct');
  writeFileSync(join(dir, 'ct.mhd'), mhd);
  writeFileSync(join(dir, 'ct.raw'), raw);
  writeFileSync(join(dir, 'ct.nrrd'), encodeNrrd(image));
  writeFileSync(join(dir, 'calibration.csv'), calibrationCsv());
}

describe('a CT as the phantom', () => {
  it('gives the dose of the same phantom built from regions, bit for bit, on the CT frame', async () => {
    const dir = scratch();
    writeCt(dir);
    const fromRegions = await simulate(regionsConfig, { threads: 1 });
    const config = await loadPhantom(parseConfig({
      beam: regionsConfig.beam, transport: regionsConfig.transport,
      phantom: { ct: { file: 'ct.mhd', calibration: { csvFile: 'calibration.csv' } } },
    }), { baseDir: dir });
    const fromCt = await simulate(config, { threads: 1 });
    expect(fromCt.summary.gridShape).toEqual([nz, ny, nx]);
    // The regions' phantom starts at depth 0; the CT's low-z face is at 101 - 1 = 100 mm.
    expect(fromRegions.summary.gridOriginMm).toEqual([0, -20, -20]);
    expect(fromCt.summary.gridOriginMm).toEqual([100, -20, -20]);
    expect(fromCt.summary.energyDepositedMeVPerPrimary).toBeGreaterThan(50);
    expect(Buffer.from(fromCt.dose.buffer).equals(Buffer.from(fromRegions.dose.buffer))).toBe(true);
    expect(Buffer.from(fromCt.uncertainty.buffer).equals(Buffer.from(fromRegions.uncertainty.buffer))).toBe(true);
  });

  it('reads NRRD as MetaImage, the default calibration by HU, and JSON leaves the voxels out', async () => {
    const dir = scratch();
    writeCt(dir);
    const load = (file: string) => loadPhantom(parseConfig({ phantom: { ct: { file, calibration: { csvFile: 'calibration.csv' } } } }), { baseDir: dir });
    const mhd = (await load('ct.mhd')).phantom.voxels!, nrrd = (await load('ct.nrrd')).phantom.voxels!;
    expect(nrrd.originMm).toEqual(mhd.originMm);
    expect(nrrd.zShiftMm).toBe(100);
    expect(nrrd.materials).toEqual(['water', 'compact-bone']);
    expect(Buffer.from(nrrd.densityGPerCm3.buffer).equals(Buffer.from(mhd.densityGPerCm3.buffer))).toBe(true);
    expect(Buffer.from(nrrd.materialIndex).equals(Buffer.from(mhd.materialIndex))).toBe(true);
    // MCsquare's default calibration: -1000 HU is its air (0.001 g/cm^3 at and below -1000 HU)
    const byDefault = await loadPhantom(parseConfig({ phantom: { ct: { file: join(dir, 'ct.mhd') } } }));
    expect(byDefault.phantom.voxels!.materials[0]).toBe('schneider-air');
    expect(byDefault.phantom.voxels!.densityGPerCm3[0]).toBeCloseTo(0.001, 6);
    const json = JSON.parse(JSON.stringify(byDefault));
    expect(json.phantom.voxels).toBeUndefined();
    expect(json.phantom.ct.file).toBe(join(dir, 'ct.mhd'));
    // a loaded config goes through parseConfig (and simulate) with its voxels
    expect(parseConfig(byDefault).phantom.voxels).toBe(byDefault.phantom.voxels);
  });

  it('aims the beam along +z within the CT\'s own x and y, not the centred ones of a regions phantom', async () => {
    const dir = scratch();
    // the CT at x, y from 0 to 40 mm (first voxel centre at 1 mm)
    writeCt(dir, { ...slabCt(), offsetMm: [1, 1, 101] });
    const config = (centerMm: [number, number]) => loadPhantom(parseConfig({
      beam: { energyMeVPerU: 70, centerMm }, transport: { histories: 50, seed: 1 },
      phantom: { ct: { file: 'ct.mhd', calibration: { csvFile: 'calibration.csv' } } },
    }), { baseDir: dir });
    const inside = await simulate(await config([20, 20]), { threads: 1 });
    expect(inside.summary.missedHistories).toBe(0);
    await expect(simulate(await config([-10, 20]), { threads: 1 })).rejects.toThrow(/misses the phantom, whose entrance face spans x from 0 to 40 mm and y from 0 to 40 mm/);
  });

  it('refuses what it cannot place, in one line naming the field', async () => {
    const dir = scratch();
    writeCt(dir);
    expect(() => parseConfig({ phantom: { ct: { file: 'ct.mhd' }, sizeMm: [10, 10, 10] } })).toThrow(/phantom\.ct: .*leave out phantom\.sizeMm/);
    expect(() => parseConfig({ solver: 'deterministic', phantom: { ct: { file: 'ct.mhd' } } })).toThrow(/deterministic solver takes phantoms of regions only/);
    writeFileSync(join(dir, 'ct.txt'), 'not a CT');
    await expect(loadPhantom(parseConfig({ phantom: { ct: { file: 'ct.txt' } } }), { baseDir: dir })).rejects.toThrow(/phantom\.ct\.file: ct\.txt must be a folder of DICOM CT slices or a \.mhd, \.mha, \.nrrd or \.nhdr file/);
    expect(() => parseConfig({ phantom: { voxels: {}, ct: { file: 'ct.mhd' } } })).toThrow(/phantom\.voxels is made by loadPhantom/);
    await expect(simulate({ phantom: { ct: { file: 'ct.mhd' } } })).rejects.toThrow(/phantom\.ct: ct\.mhd is not loaded: read it with loadPhantom/);
    await expect(loadPhantom(parseConfig({ phantom: { ct: { file: 'missing.mhd' } } }), { baseDir: dir })).rejects.toThrow(/cannot be read \(ENOENT/);
    const rotated = scratch();
    writeCt(rotated, slabCt([0, 1, 0, -1, 0, 0, 0, 0, 1]));
    await expect(loadPhantom(parseConfig({ phantom: { ct: { file: 'ct.mhd' } } }), { baseDir: rotated })).rejects.toThrow(/direction cosines 0 1 0 -1 0 0 0 0 1: only CTs whose axes/);
    writeFileSync(join(dir, 'bad.csv'), 'hu,density_g_per_cm3,material\n0,1,unobtainium\n');
    await expect(loadPhantom(parseConfig({ phantom: { ct: { file: 'ct.mhd', calibration: { csvFile: 'bad.csv' } } } }), { baseDir: dir })).rejects.toThrow(/unknown material 'unobtainium'/);
  });

  it('bragg run --ct writes outputs on the CT frame; a bad CT exits 2 with one line', () => {
    const dir = scratch();
    writeCt(dir);
    const out = join(dir, 'out');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'run', ...args], { encoding: 'utf8', timeout: 120_000, cwd: dir });
    const r = run('--ct', 'ct.mhd', '--hu-calibration', 'calibration.csv', '--energy', '100', '--histories', '200', '--threads', '1', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.gridOriginMm).toEqual([100, -20, -20]);
    expect(summary.materialIds).toEqual(['water', 'compact-bone']);
    expect(summary.config.phantom.ct.file).toBe(join(dir, 'ct.mhd'));
    expect(readFileSync(join(out, 'dose.mhd'), 'utf8')).toMatch(/^Offset = -19 -19 101$/m);
    return readMetaImage(join(out, 'density.mhd')).then((density) => {
      expect(density.dimSize).toEqual([nx, ny, nz]);
      expect(density.offsetMm).toEqual([...OFFSET_MM]);
      const bad = run('--ct', 'missing.mhd', '--out', join(dir, 'out2'));
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/missing\.mhd/);
      const lonely = run('--hu-calibration', 'calibration.csv', '--out', join(dir, 'out3'));
      expect(lonely.status).toBe(2);
      expect(lonely.stderr).toMatch(/--hu-calibration calibrates a CT: give --ct/);
    });
  });
});
