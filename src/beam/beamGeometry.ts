/**
 * Where the beam comes from (issue 12, part 3). Two geometries:
 *
 * - Without beam.gantryAngleDeg, the phantom's own: the beam runs along +z into the z = 0 face,
 *   its axis at (x, y) = beam.centerMm (the engine's first geometry; kernels keep its code path).
 * - With it, the treatment room's, IEC 61217 (Radiotherapy equipment: coordinates, movements and
 *   scales): the phantom's frame is the patient's, DICOM LPS of a head-first supine patient (x to the
 *   patient's left, y posterior, z superior; for a CT, the CT's frame; for phantoms of regions, x and
 *   y centred on the phantom, z its depth). At gantry 0 and couch 0 the beam runs from anterior to
 *   posterior, +y; the beam's-eye-view axes at the isocentre plane (IEC gantry X and Y) are then +x
 *   and +z. The gantry turns the beam about the patient's z axis, counter-clockwise in LPS, and the
 *   couch turns the patient about the vertical axis: direction = Rcouch(phi) Rgantry(theta) (0, 1, 0)
 *   with Rgantry a rotation by theta about z and Rcouch by phi about y, both counter-clockwise in
 *   LPS (the same convention as matRad, GitHub e0404/matRad, matRad_getRotationMatrix.m: a beam at
 *   gantry 90 comes from the patient's left, direction -x).
 *
 * A spot is aimed at (beam.centerMm) in the isocentre plane (IEC gantry X, Y), from a virtual source
 * at beam.sourceAxisDistanceMm upstream of the isocentre (divergent scanning; none: parallel), spread
 * by the spot size and divergence around that aim; the kernels then trace it back to where it
 * enters the phantom (assembly/lanes.ts, shaders/transport.wgsl: startHistory). Upstream of the
 * phantom is vacuum: no energy is lost before it (a range shifter or air gap is not modelled yet).
 */
import type { ResolvedConfig } from '../config/schema.js';
import type { PhantomShape } from '../geometry/phantom.js';

type Vector = readonly [number, number, number];

export interface BeamFrame {
  /** Beam's-eye-view x and y (IEC gantry X, Y at the isocentre plane) and the direction from the source to the isocentre: unit vectors in the transport frame. */
  readonly u: Vector;
  readonly v: Vector;
  readonly direction: Vector;
  /** The isocentre in the transport frame (mm; z measured from the phantom's depth 0). */
  readonly isocenterMm: Vector;
  /** Virtual source to isocentre distances for x and y (mm), 0 for a parallel beam. */
  readonly sourceAxisDistanceMm: readonly [number, number];
}

const degrees = Math.PI / 180;

/** Rcouch(phi) Rgantry(theta) v (see the header), in LPS. */
export function roomToPatient(gantryDeg: number, couchDeg: number, v: Vector): Vector {
  const [ct, st] = [Math.cos(gantryDeg * degrees), Math.sin(gantryDeg * degrees)];
  const [cc, sc] = [Math.cos(couchDeg * degrees), Math.sin(couchDeg * degrees)];
  const g = [ct * v[0] - st * v[1], st * v[0] + ct * v[1], v[2]] as const;
  return [cc * g[0] + sc * g[2], g[1], -sc * g[0] + cc * g[2]];
}

/** Rounds away the last bits of sin and cos at multiples of 90 degrees, so that axis-aligned beams are exactly axis-aligned. */
const tidy = (v: Vector): Vector => v.map((c) => (Math.abs(c) < 1e-15 ? 0 : Math.abs(Math.abs(c) - 1) < 1e-15 ? Math.sign(c) : c)) as unknown as Vector;

/** A beam's or a plan field's place in the room. */
export interface RoomGeometry {
  readonly gantryAngleDeg: number;
  readonly couchAngleDeg?: number | undefined;
  readonly isocenterMm?: Vector | undefined;
  readonly sourceAxisDistanceMm?: number | readonly [number, number] | undefined;
}

/** The room geometry of the beam, or null for the phantom's own (no gantryAngleDeg). */
export function beamFrame(config: ResolvedConfig, shape: PhantomShape, zShiftMm = 0): BeamFrame | null {
  const { gantryAngleDeg, couchAngleDeg, isocenterMm, sourceAxisDistanceMm } = config.beam;
  if (gantryAngleDeg === undefined) return null;
  return roomFrame({ gantryAngleDeg, couchAngleDeg, isocenterMm, sourceAxisDistanceMm }, shape, zShiftMm);
}

/** The frame of a beam in the room (the isocentre given in the phantom's frame, default its centre). */
export function roomFrame(geometry: RoomGeometry, shape: PhantomShape, zShiftMm = 0): BeamFrame {
  const { gantryAngleDeg, couchAngleDeg = 0, isocenterMm, sourceAxisDistanceMm } = geometry;
  const centre: Vector = [
    shape.originMm[0] + (shape.nx * shape.voxelSizeMm[0]) / 2,
    shape.originMm[1] + (shape.ny * shape.voxelSizeMm[1]) / 2,
    shape.originMm[2] + (shape.nz * shape.voxelSizeMm[2]) / 2,
  ];
  const sad = sourceAxisDistanceMm === undefined ? [0, 0] as const : typeof sourceAxisDistanceMm === 'number' ? [sourceAxisDistanceMm, sourceAxisDistanceMm] as const : sourceAxisDistanceMm;
  return {
    u: tidy(roomToPatient(gantryAngleDeg, couchAngleDeg, [1, 0, 0])),
    v: tidy(roomToPatient(gantryAngleDeg, couchAngleDeg, [0, 0, 1])),
    direction: tidy(roomToPatient(gantryAngleDeg, couchAngleDeg, [0, 1, 0])),
    isocenterMm: isocenterMm ? [isocenterMm[0], isocenterMm[1], isocenterMm[2] - zShiftMm] : centre,
    sourceAxisDistanceMm: [sad[0], sad[1]],
  };
}

/** Whether the central ray of a spot aimed at (x, y) in the isocentre plane enters the phantom. */
export function centralRayEnters(frame: BeamFrame, xMm: number, yMm: number, shape: PhantomShape): boolean {
  const [sx, sy] = frame.sourceAxisDistanceMm;
  const slope = [sx > 0 ? xMm / sx : 0, sy > 0 ? yMm / sy : 0];
  const direction = [0, 1, 2].map((a) => frame.direction[a]! + slope[0]! * frame.u[a]! + slope[1]! * frame.v[a]!) as unknown as Vector;
  const point = [0, 1, 2].map((a) => frame.isocenterMm[a]! + xMm * frame.u[a]! + yMm * frame.v[a]!) as unknown as Vector;
  const high = [0, 1, 2].map((a) => shape.originMm[a]! + [shape.nx, shape.ny, shape.nz][a]! * shape.voxelSizeMm[a]!) as unknown as Vector;
  return rayEntry(point, direction, shape.originMm, high) !== null;
}

/**
 * Where the ray from `point` along `direction` enters the box [low, high] (the slab method:
 * Kay and Kajiya, SIGGRAPH 1986), as the distance along the ray (negative: upstream of the point),
 * or null if it misses the box.
 */
export function rayEntry(point: Vector, direction: Vector, low: Vector, high: Vector): number | null {
  let enter = -Infinity, leave = Infinity;
  for (let a = 0; a < 3; a++) {
    if (direction[a] === 0) {
      if (point[a]! < low[a]! || point[a]! > high[a]!) return null;
      continue;
    }
    const t1 = (low[a]! - point[a]!) / direction[a]!, t2 = (high[a]! - point[a]!) / direction[a]!;
    enter = Math.max(enter, Math.min(t1, t2));
    leave = Math.min(leave, Math.max(t1, t2));
  }
  return enter <= leave ? enter : null;
}
