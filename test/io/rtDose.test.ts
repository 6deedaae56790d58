// RT Dose (src/io/dicom/rtDose.ts) read back by an independent DICOM reader, pydicom (Debian's
// python3-pydicom): geometry, identifiers and every voxel's dose after DoseGridScaling.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRtDose } from '../../src/io/dicom/rtDose.js';

function pythonWithPydicom(): string {
  for (const exe of ['python3', '/usr/bin/python3']) {
    if (spawnSync(exe, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' }).status === 0) return exe;
  }
  throw new Error('no python3 with pydicom and numpy found; install python3-pydicom and python3-numpy');
}

/** What pydicom reads from the file: tags, and the dose grid as a list [z][y][x] in Gy. */
function readWithPydicom(path: string): Record<string, unknown> {
  const script = `
import json, sys, pydicom
d = pydicom.dcmread(sys.argv[1])
dose = d.pixel_array.astype('float64') * float(d.DoseGridScaling)
print(json.dumps({
  'sop': d.SOPClassUID, 'modality': d.Modality, 'transfer': d.file_meta.TransferSyntaxUID,
  'frames': int(d.NumberOfFrames), 'rows': d.Rows, 'columns': d.Columns,
  'position': [float(v) for v in d.ImagePositionPatient], 'orientation': [float(v) for v in d.ImageOrientationPatient],
  'spacing': [float(v) for v in d.PixelSpacing], 'offsets': [float(v) for v in d.GridFrameOffsetVector],
  'pointer': str(d.FrameIncrementPointer).upper(), 'units': d.DoseUnits, 'type': d.DoseType, 'summation': d.DoseSummationType,
  'frame_of_reference': d.FrameOfReferenceUID, 'study': d.StudyInstanceUID, 'patient': d.PatientID, 'name': str(d.PatientName),
  'heterogeneity': list(d.TissueHeterogeneityCorrection) if d['TissueHeterogeneityCorrection'].VM > 1 else [d.TissueHeterogeneityCorrection],
  'shape': list(dose.shape), 'dose': dose.ravel().tolist(),
}))
`;
  const r = spawnSync(pythonWithPydicom(), ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`pydicom could not read ${path}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('RT Dose', () => {
  it('is read by pydicom with its geometry, identifiers and every dose (to 2^-32 of the maximum)', () => {
    const [nx, ny, nz] = [5, 4, 3];
    const dose = Float64Array.from({ length: nx * ny * nz }, (_, i) => (i === 7 ? 0 : 1e-9 * (1 + Math.sin(i) ** 2)));
    const identifiers = { studyInstanceUid: '1.2.3.4', seriesInstanceUid: '1.2.3.5', frameOfReferenceUid: '1.2.3.6', patientId: 'P-7', patientName: 'Slab^Phantom' };
    const file = encodeRtDose({ dose, dimSize: [nx, ny, nz], spacingMm: [2, 2.5, 3], firstCentreMm: [-19, -18.75, 101.5], identifiers, comment: 'Gy per primary', software: 'test', doseTo: 'MEDIUM' });
    const dir = mkdtempSync(join(tmpdir(), 'bragg-rtdose-'));
    writeFileSync(join(dir, 'rtdose.dcm'), file);
    const read = readWithPydicom(join(dir, 'rtdose.dcm'));
    expect(read).toMatchObject({
      sop: '1.2.840.10008.5.1.4.1.1.481.2', modality: 'RTDOSE', transfer: '1.2.840.10008.1.2.1', frames: nz, rows: ny, columns: nx,
      position: [-19, -18.75, 101.5], orientation: [1, 0, 0, 0, 1, 0], spacing: [2.5, 2], offsets: [0, 3, 6],
      pointer: '(3004, 000C)', units: 'GY', type: 'PHYSICAL', summation: 'PLAN',
      frame_of_reference: '1.2.3.6', study: '1.2.3.4', patient: 'P-7', name: 'Slab^Phantom', heterogeneity: ['IMAGE'],
      shape: [nz, ny, nx],
    });
    const max = Math.max(...dose);
    (read.dose as number[]).forEach((d, i) => expect(Math.abs(d - dose[i]!)).toBeLessThanOrEqual(max * 2 ** -32));
    expect((read.dose as number[])[7]).toBe(0);
    // a patient's name beyond ASCII is UTF-8 with SpecificCharacterSet, and a DICOM plan is referred to
    const named = encodeRtDose({ dose, dimSize: [nx, ny, nz], spacingMm: [2, 2.5, 3], firstCentreMm: [0, 0, 0], identifiers: { ...identifiers, patientName: 'Müller^Jörg' },
      comment: 'Gy', software: 'test', doseTo: 'MEDIUM', referencedPlanUid: '1.2.3.9' });
    writeFileSync(join(dir, 'named.dcm'), named);
    const python = ['python3', '/usr/bin/python3'].find((exe) => spawnSync(exe, ['-c', 'import pydicom'], { stdio: 'ignore' }).status === 0)!;
    const check = spawnSync(python, ['-c', "import sys, pydicom\nd = pydicom.dcmread(sys.argv[1])\nprint(str(d.PatientName) + '|' + d.ReferencedRTPlanSequence[0].ReferencedSOPInstanceUID)", join(dir, 'named.dcm')], { encoding: 'utf8' });
    expect(check.stdout.trim()).toBe('Müller^Jörg|1.2.3.9');
    expect(() => encodeRtDose({ dose: new Float64Array(70000), dimSize: [70000, 1, 1], spacingMm: [1, 1, 1], firstCentreMm: [0, 0, 0], comment: '', software: '', doseTo: 'MEDIUM' }))
      .toThrow(/DICOM Rows and Columns stop at 65535/);
    // the same dose and identifiers write the same bytes (UIDs derived from them)
    expect(Buffer.from(encodeRtDose({ dose, dimSize: [nx, ny, nz], spacingMm: [2, 2.5, 3], firstCentreMm: [-19, -18.75, 101.5], identifiers, comment: 'Gy per primary', software: 'test', doseTo: 'MEDIUM' })).equals(Buffer.from(file))).toBe(true);
  });
});
