/**
 * What a run's folder says about itself: the geometry maps (density.npy,
 * material.npy, read back with NumPy), the summary's material list, lateral
 * probe and resolved config, the plot title naming the geometry.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

function python(): string {
  for (const exe of ['python3', '/usr/bin/python3']) {
    if (spawnSync(exe, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0) return exe;
  }
  throw new Error('no python3 with numpy found; install python3-numpy');
}

describe('bragg run outputs describe the geometry', () => {
  it('writes density and material maps, the material list, the lateral probe and a title naming the slab', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-outputs-'));
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({
      beam: { energyMeVPerU: 100 },
      phantom: { sizeMm: [20, 10, 100], voxelSizeMm: [2, 2, 2], regions: [{ shape: 'slab', material: 'compact-bone', zMinMm: 30, zMaxMm: 50 }] },
      transport: { histories: 300 }, scoring: { lateralProbeDepthMm: 20 },
    }));
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, [bin, 'run', '--config', config, '--out', out, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.materialIds).toEqual(['water', 'compact-bone']);
    expect(summary.lateralProbe).toMatchObject({ depthMm: 20 });
    expect(summary.lateralProbe.sigmaXMm).toBeGreaterThan(2);
    expect(summary.config.phantom.regions).toHaveLength(1);
    expect(readFileSync(join(out, 'depth_dose.svg'), 'utf8')).toContain('100 MeV/u proton in water with a compact-bone slab at 30-50 mm');
    // NumPy reads the maps: bone (slot 1, 1.85 g/cm3, ICRU compact bone) exactly at 30-50 mm
    const script = `
import json, sys, numpy
d = numpy.load(sys.argv[1] + '/density.npy'); m = numpy.load(sys.argv[1] + '/material.npy')
print(json.dumps({'shape': list(m.shape), 'dtypes': [str(d.dtype), str(m.dtype)],
  'boneRows': sorted(set(int(z) for z in numpy.nonzero(m == 1)[0])), 'boneDensity': float(d[20, 0, 0]), 'waterDensity': float(d[0, 0, 0])}))`;
    const py = spawnSync(python(), ['-c', script, out], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const maps = JSON.parse(py.stdout);
    expect(maps.shape).toEqual([50, 5, 10]);
    expect(maps.dtypes).toEqual(['float32', 'uint8']);
    expect(maps.boneRows).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(maps.boneDensity).toBeCloseTo(1.85, 5);
    expect(maps.waterDensity).toBe(1);
    // The MetaImage copies, read with NumPy from the header's own keys (x fastest in the .raw):
    // the same voxels as the .npy files (dose as float32) and the grid of summary.json.
    const mhd = `
import json, sys, numpy
def load(name):
    keys = dict(l.split(' = ', 1) for l in open(sys.argv[1] + '/' + name + '.mhd').read().splitlines())
    dims = [int(x) for x in keys['DimSize'].split()]
    dtype = {'MET_FLOAT': '<f4', 'MET_UCHAR': 'u1'}[keys['ElementType']]
    data = numpy.fromfile(sys.argv[1] + '/' + keys['ElementDataFile'], dtype=dtype).reshape(dims[::-1])
    return keys, data
def load_nrrd(name):
    raw = open(sys.argv[1] + '/' + name + '.nrrd', 'rb').read()
    head, data = raw.split(b'\\n\\n', 1)
    fields = dict(l.split(': ', 1) for l in head.decode().splitlines()[1:])
    dims = [int(x) for x in fields['sizes'].split()]
    return numpy.frombuffer(data, dtype={'float': '<f4', 'uint8': 'u1'}[fields['type']]).reshape(dims[::-1]), fields
kd, dose = load('dose'); km, mat = load('material')
nd, nf = load_nrrd('dose')
ref = numpy.load(sys.argv[1] + '/dose.npy').astype('<f4')
print(json.dumps({'same': bool((dose == ref).all()) and bool((mat == numpy.load(sys.argv[1] + '/material.npy')).all()) and bool((nd == ref).all()),
  'nrrdOrigin': nf['space origin'], 'nrrdSpace': nf['space'],
  'spacing': [float(x) for x in kd['ElementSpacing'].split()], 'offset': [float(x) for x in kd['Offset'].split()], 'max': float(dose.max())}))`;
    const pm = spawnSync(python(), ['-c', mhd, out], { encoding: 'utf8' });
    expect(pm.status, pm.stderr).toBe(0);
    const image = JSON.parse(pm.stdout);
    expect(image.same).toBe(true);
    expect(image.max).toBeGreaterThan(0);
    const [dz, dy, dx] = summary.voxelSizeMm;
    const [z0, y0, x0] = summary.gridOriginMm;
    expect(image.spacing).toEqual([dx, dy, dz]);
    expect(image.offset).toEqual([x0 + dx / 2, y0 + dy / 2, z0 + dz / 2]);
    expect(image.nrrdSpace).toBe('left-posterior-superior');
    expect(image.nrrdOrigin).toBe(`(${[x0 + dx / 2, y0 + dy / 2, z0 + dz / 2].join(',')})`);
  });

  it('nuclear events are on by default for protons and the text summary reports them; --no-nuclear turns them off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-outputs-'));
    const r = spawnSync(process.execPath, [bin, 'run', '--histories', '500', '--energy', '100', '--out', join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/nuclear events 0\.\d+ per primary, \d+\.\d+ MeV per primary carried away by neutrals/);
    const off = spawnSync(process.execPath, [bin, 'run', '--histories', '100', '--energy', '50', '--no-nuclear', '--out', join(dir, 'off')], { encoding: 'utf8' });
    expect(off.status, off.stderr).toBe(0);
    expect(off.stdout).not.toMatch(/nuclear events/);
    expect(JSON.parse(readFileSync(join(dir, 'off', 'summary.json'), 'utf8')).config.transport.nuclear).toBe(false);
    // a carbon beam (--particle over a proton default): fragmented by default, not refused
    const carbon = spawnSync(process.execPath, [bin, 'run', '--histories', '20', '--particle', 'carbon', '--energy', '100', '--out', join(dir, 'carbon')], { encoding: 'utf8' });
    expect(carbon.status, carbon.stderr).toBe(0);
    // set explicitly for carbon, the Monte Carlo fragments it; the deterministic solver refuses it with one line
    const fragmenting = join(dir, 'f.json');
    writeFileSync(fragmenting, JSON.stringify({ beam: { particle: 'carbon', energyMeVPerU: 100 }, phantom: { sizeMm: [20, 20, 60] }, transport: { histories: 20, nuclear: true } }));
    const fragmented = spawnSync(process.execPath, [bin, 'run', '--config', fragmenting, '--out', join(dir, 'fragmented')], { encoding: 'utf8' });
    expect(fragmented.status, fragmented.stderr).toBe(0);
    expect(fragmented.stdout).toMatch(/nuclear events 0\.\d+ per primary/);
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ beam: { particle: 'carbon' }, transport: { nuclear: true }, solver: 'deterministic' }));
    const refused = spawnSync(process.execPath, [bin, 'run', '--config', config, '--out', join(dir, 'refused')], { encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/deterministic solver is for proton beams only/);
  });

  it('writes the LET maps and the LETd column by default; --no-let leaves them out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bragg-outputs-'));
    const config = join(dir, 'c.json');
    writeFileSync(config, JSON.stringify({ phantom: { sizeMm: [20, 20, 200] }, transport: { histories: 300 } }));
    const r = spawnSync(process.execPath, [bin, 'run', '--config', config, '--out', join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const names = readdirSync(join(dir, 'out'));
    for (const name of ['let_d.npy', 'let_t.npy', 'let_d_medium.npy', 'let_d_primaries.npy']) expect(names).toContain(name);
    const csv = readFileSync(join(dir, 'out', 'depth_dose.csv'), 'utf8').split('\n');
    expect(csv.some((line) => line.startsWith('depth_mm,') && line.endsWith(',let_d_keV_per_um'))).toBe(true);
    const off = spawnSync(process.execPath, [bin, 'run', '--config', config, '--no-let', '--out', join(dir, 'off')], { encoding: 'utf8' });
    expect(off.status, off.stderr).toBe(0);
    expect(readdirSync(join(dir, 'off')).some((name) => name.startsWith('let_'))).toBe(false);
  });
});
