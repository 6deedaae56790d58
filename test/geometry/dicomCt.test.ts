// DICOM CT series (src/io/dicom/ctSeries.ts, ctFolder.ts): the slab phantom of ctPhantom.test.ts
// written as CT slices with dcmjs (in shuffled order, beside other files), read into the same
// phantom and the same dose as its regions, bit for bit; malformed series refused in one line.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { simulate } from '../../src/simulate.js';
import { parseConfig } from '../../src/config/schema.js';
import { loadPhantom } from '../../src/geometry/loadPhantom.js';
import { getMaterial } from '../../src/physics/materials.js';
import { readDicomCtFolder } from '../../src/io/dicom/ctFolder.js';
import { rtStructFile, square } from '../helpers/rtStruct.js';

const [nx, ny, nz] = [20, 20, 60];
const VOXEL_MM = 2;
// stored values with slope 1 and intercept -1024 (a common CT rescale): -1000 HU water, 3001 HU bone
const WATER_STORED = 24, BONE_STORED = 4025;
const FIRST_Z_MM = 101;

interface SliceOptions {
  readonly z?: number; readonly x?: number; readonly orientation?: number[]; readonly series?: string; readonly transferSyntax?: string;
  readonly modality?: string; readonly columns?: number;
}

function slice(k: number, options: SliceOptions = {}): Uint8Array {
  const columns = options.columns ?? nx;
  const depth = (k + 0.5) * VOXEL_MM;
  const pixels = new Int16Array(columns * ny).fill(depth >= 30 && depth < 50 ? BONE_STORED : WATER_STORED);
  const dataset = {
    SOPClassUID: options.modality === undefined ? '1.2.840.10008.5.1.4.1.1.2' : '1.2.840.10008.5.1.4.1.1.481.5',
    SOPInstanceUID: `1.2.826.0.1.3680043.9.7777.1.${k}`, Modality: options.modality ?? 'CT',
    StudyInstanceUID: '1.2.826.0.1.3680043.9.7777.2', SeriesInstanceUID: options.series ?? '1.2.826.0.1.3680043.9.7777.3',
    FrameOfReferenceUID: '1.2.826.0.1.3680043.9.7777.4', PatientID: 'BRAGG-TEST', PatientName: 'Slab^Phantom',
    ImagePositionPatient: [options.x ?? -19, -19, options.z ?? FIRST_Z_MM + k * VOXEL_MM], ImageOrientationPatient: options.orientation ?? [1, 0, 0, 0, 1, 0],
    PixelSpacing: [VOXEL_MM, VOXEL_MM], SliceThickness: VOXEL_MM, Rows: ny, Columns: columns, BitsAllocated: 16, BitsStored: 16, HighBit: 15,
    PixelRepresentation: 1, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2', RescaleSlope: 1, RescaleIntercept: -1024,
    InstanceNumber: k + 1, PixelData: [pixels.buffer],
    _meta: { TransferSyntaxUID: { Value: [options.transferSyntax ?? '1.2.840.10008.1.2.1'], vr: 'UI' } },
    _vrMap: { PixelData: 'OW' },
  };
  return new Uint8Array(dcmjs.data.datasetToBuffer(dataset));
}

/** The series in a new folder, slices written in a shuffled order under meaningless names. */
function writeSeries(edit: (k: number) => SliceOptions | null = () => ({}), count = nz): string {
  const dir = mkdtempSync(join(tmpdir(), 'bragg-dicom-'));
  const order = Array.from({ length: count }, (_, k) => (k * 37) % count);
  for (const k of order) {
    const options = edit(k);
    if (options) writeFileSync(join(dir, `IM${String((k * 7919) % 1000).padStart(4, '0')}_${k}`), slice(k, options));
  }
  return dir;
}

const calibration = () => {
  const water = getMaterial('water').densityGPerCm3, bone = getMaterial('compact-bone').densityGPerCm3;
  return `hu,density_g_per_cm3,material\n-1000,${water},water\n3000,${bone},compact-bone\n`;
};

describe('DICOM CT series', () => {
  it('reads a shuffled series beside other files into the regions\' phantom: the same dose bit for bit', async () => {
    const dir = writeSeries();
    writeFileSync(join(dir, 'notes.txt'), 'exported by a test');
    writeFileSync(join(dir, 'plan.dcm'), slice(0, { modality: 'RTPLAN' }));
    writeFileSync(join(dir, 'calibration.csv'), calibration());
    const series = await readDicomCtFolder(dir);
    expect(series.image.dimSize).toEqual([nx, ny, nz]);
    expect(series.image.spacingMm).toEqual([2, 2, 2]);
    expect(series.image.offsetMm).toEqual([-19, -19, FIRST_Z_MM]);
    expect(series.identifiers).toEqual({
      studyInstanceUid: '1.2.826.0.1.3680043.9.7777.2', seriesInstanceUid: '1.2.826.0.1.3680043.9.7777.3',
      frameOfReferenceUid: '1.2.826.0.1.3680043.9.7777.4', patientId: 'BRAGG-TEST', patientName: 'Slab^Phantom',
    });
    expect(series.image.voxels[0]).toBe(-1000);
    expect(series.image.voxels[20 * nx * ny]).toBe(3001);  // depth 41 mm: bone
    const beam = { particle: 'proton', energyMeVPerU: 100, spotSigmaMm: 4 } as const;
    const transport = { histories: 1500, seed: 21 };
    const fromRegions = await simulate({ beam, transport, phantom: { sizeMm: [40, 40, 120], voxelSizeMm: [2, 2, 2], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 30, zMaxMm: 50 }] } }, { threads: 1 });
    const fromCt = await simulate(await loadPhantom(parseConfig({ beam, transport, phantom: { ct: { file: '.', calibration: { csvFile: 'calibration.csv' } } } }), { baseDir: dir }), { threads: 1 });
    expect(fromCt.summary.gridOriginMm).toEqual([100, -20, -20]);
    expect(Buffer.from(fromCt.dose.buffer).equals(Buffer.from(fromRegions.dose.buffer))).toBe(true);
  });

  it('bragg run --ct on the series writes an RT Dose on the CT: its frame of reference, position and dose.npy\'s doses (pydicom)', () => {
    const dir = writeSeries();
    writeFileSync(join(dir, 'calibration.csv'), calibration());
    const out = join(dir, 'out');
    const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'run', '--ct', '.', '--hu-calibration', 'calibration.csv', '--energy', '100', '--histories', '300', '--threads', '1', '--out', out],
      { encoding: 'utf8', timeout: 120_000, cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const script = `
import json, sys, numpy, pydicom
d = pydicom.dcmread(sys.argv[1] + '/rtdose.dcm')
dose = d.pixel_array.astype('float64') * float(d.DoseGridScaling)
npy = numpy.load(sys.argv[1] + '/dose.npy')
print(json.dumps({'frame': d.FrameOfReferenceUID, 'study': d.StudyInstanceUID, 'patient': d.PatientID, 'position': [float(v) for v in d.ImagePositionPatient],
  'offsets': [float(v) for v in d.GridFrameOffsetVector][:3], 'shape': list(dose.shape), 'npy': list(npy.shape),
  'maxError': float(numpy.abs(dose - npy).max()), 'max': float(npy.max())}))
`;
    const python = ['python3', '/usr/bin/python3'].find((exe) => spawnSync(exe, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' }).status === 0);
    if (!python) throw new Error('no python3 with pydicom and numpy found; install python3-pydicom and python3-numpy');
    const read = JSON.parse(spawnSync(python, ['-c', script, out], { encoding: 'utf8' }).stdout);
    expect(read).toMatchObject({
      frame: '1.2.826.0.1.3680043.9.7777.4', study: '1.2.826.0.1.3680043.9.7777.2', patient: 'BRAGG-TEST',
      position: [-19, -19, FIRST_Z_MM], offsets: [0, 2, 4], shape: [nz, ny, nx], npy: [nz, ny, nx],
    });
    expect(read.max).toBeGreaterThan(0);
    expect(read.maxError).toBeLessThanOrEqual(read.max * 2 ** -31);
    expect(readFileSync(join(out, 'dose.mhd'), 'utf8')).toMatch(/^Offset = -19 -19 101$/m);
  });

  it('bragg run --ct --plan --structures: a plan on the CT with the DVHs of its ROIs; structures on another frame exit 2', () => {
    const dir = writeSeries();
    writeFileSync(join(dir, 'calibration.csv'), calibration());
    // the bone slab (depths 30-50 mm: z 130-150) as an ROI, 10 x 10 mm, on the slab's slices
    const planes = Array.from({ length: 10 }, (_, k) => FIRST_Z_MM + 2 * (15 + k));
    writeFileSync(join(dir, 'rs.dcm'), rtStructFile([{ name: 'Slab core', contours: planes.map((z) => square(-5, 5, -5, 5, z)) }]));
    writeFileSync(join(dir, 'other.dcm'), rtStructFile([{ name: 'X', contours: [square(-5, 5, -5, 5, 131)] }], '1.2.3.999'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ fields: [{ gantryAngleDeg: 90, couchAngleDeg: 90, layers: [{ energyMeVPerU: 100, spots: [[0, 0, 1e9]] }] }] }));
    const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'run', '--ct', '.', '--hu-calibration', 'calibration.csv', '--plan', 'plan.json',
      '--histories', '300', '--threads', '1', ...args], { encoding: 'utf8', timeout: 120_000, cwd: dir });
    const r = run('--structures', 'rs.dcm', '--out', 'out');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    // voxel centres -5 ... 3 in x and y (on the edge at -5 in, at 5 out: half-open) on 10 slices of 2 mm voxels: 250 voxels, 2 cm^3
    expect(summary.dvh.rois[0]).toMatchObject({ name: 'Slab core', voxels: 250 });
    expect(summary.dvh.rois[0].volumeCm3).toBeCloseTo(2, 10);
    expect(summary.dvh.doseUnit).toBe('Gy');
    expect(summary.dvh.rois[0].meanDose).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'out', 'dvh.csv'), 'utf8').split('\n')[0]).toBe('"dose (Gy)","Slab core (% volume)"');
    expect(readFileSync(join(dir, 'out', 'dvh.svg'), 'utf8')).toContain('Slab core');
    const other = run('--structures', 'other.dcm', '--out', 'out2');
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/frame of reference 1\.2\.3\.999 is not the CT's/);
  });

  it('refuses malformed series, each in one line naming what is wrong', async () => {
    const refused = (dir: string) => expect(readDicomCtFolder(dir)).rejects;
    await refused(writeSeries((k) => (k === 30 ? null : {}))).toThrow(/slices are not evenly spaced: 4\.000 mm between z = 159 and 163 mm where the others are 2\.000 mm \(a missing slice\?\)/);
    await refused(writeSeries((k) => (k === 30 ? { z: FIRST_Z_MM + 29 * VOXEL_MM } : {}))).toThrow(/two slices at z = 159 mm/);
    await refused(writeSeries((k) => (k === 5 ? { series: '1.2.3.999' } : {}))).toThrow(/2 CT series \(.*\): put each in a folder of its own/);
    await refused(writeSeries(() => ({ orientation: [0, 1, 0, -1, 0, 0] }))).toThrow(/ImageOrientationPatient 0\\1\\0\\-1\\0\\0: only axial slices/);
    await refused(writeSeries((k) => (k === 3 ? { x: -18 } : {}))).toThrow(/differ from the first slice's \(-19, -19\): slices must stack straight along z/);
    await refused(writeSeries((k) => (k === 3 ? { columns: 21 } : {}))).toThrow(/its size, pixel spacing, orientation or pixel format differ/);
    await refused(writeSeries((k) => (k === 0 ? { transferSyntax: '1.2.840.10008.1.2.4.90' } : {}))).toThrow(/transfer syntax 1\.2\.840\.10008\.1\.2\.4\.90 is not read/);
    await refused(writeSeries(() => ({}), 1)).toThrow(/one CT slice/);
    await refused(writeSeries((k) => (k === 2 ? { columns: 0 } : {}))).toThrow(/Rows 20 and Columns 0 must be positive integers/);
    // a large file without the DICM marker beside the slices is passed over unread
    const withArchive = writeSeries();
    writeFileSync(join(withArchive, 'backup.zip'), new Uint8Array(260 * 2 ** 20));  // above a slice's 256 MiB
    expect((await readDicomCtFolder(withArchive)).image.dimSize).toEqual([nx, ny, nz]);
    rmSync(withArchive, { recursive: true });
    const empty = mkdtempSync(join(tmpdir(), 'bragg-dicom-'));
    writeFileSync(join(empty, 'plan.dcm'), slice(0, { modality: 'RTPLAN' }));
    mkdirSync(join(empty, 'sub'));
    await refused(empty).toThrow(/no CT slices among its 1 files \(found DICOM RTPLAN\)/);
    await expect(readDicomCtFolder(join(empty, 'absent'))).rejects.toThrow(/cannot list the DICOM folder \(ENOENT\)/);
  });
});
