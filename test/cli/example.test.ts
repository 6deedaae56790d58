// The README's worked example end to end: `bragg example` writes a synthetic patient (DICOM CT,
// RT Structure Set, plan), `bragg run --ct --plan --structures` computes it; the RT Dose sits on
// the CT's frame of reference (pydicom) and the DVHs name every ROI.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

describe('the worked example', () => {
  it('runs as the README says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-example-'));
    const bragg = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000, cwd: dir });
    const made = bragg('example', '--out', 'ex');
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(readdirSync(join(dir, 'ex')).filter((f) => f.startsWith('CT'))).toHaveLength(60);
    const run = bragg('run', '--ct', 'ex', '--structures', 'ex/rs.dcm', '--plan', 'ex/plan.json', '--histories', '20000', '--out', 'dose');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'dose', 'summary.json'), 'utf8'));
    expect(summary.dvh.rois.map((r: { name: string }) => r.name)).toEqual(['Body', 'Target', 'Rod']);
    const [body, target] = summary.dvh.rois;
    expect(target.meanDose).toBeGreaterThan(5 * body.meanDose);  // the fields aim at the target
    const python = ['python3', '/usr/bin/python3'].find((exe) => spawnSync(exe, ['-c', 'import pydicom'], { stdio: 'ignore' }).status === 0);
    if (!python) throw new Error('no python3 with pydicom found; install python3-pydicom');
    const frames = spawnSync(python, ['-c', "import sys, pydicom\nprint(pydicom.dcmread(sys.argv[1]).FrameOfReferenceUID, pydicom.dcmread(sys.argv[2]).FrameOfReferenceUID)",
      join(dir, 'ex', 'CT0001.dcm'), join(dir, 'dose', 'rtdose.dcm')], { encoding: 'utf8' }).stdout.trim().split(' ');
    expect(frames[0]).toMatch(/^2\.25\.\d+$/);
    expect(frames[1]).toBe(frames[0]);
  }, 120_000);
});
