// The row tallies (with common.wgsl, for the kernels that write or read
// them): two vec4<f32> per (e, z, x) row of NT bins, each lane written by one
// kernel (a plain store of that component, never read-modify-write):
//
//   rowTallies[2 s]      x: particles of source row e before the loss  (loseEnergy)
//                        y: particles floored in output row e          (loseEnergy)
//                        z: escaped through x's outer faces            (streamX)
//                        w: escaped through the last z face            (streamZ)
//   rowTallies[2 s + 1]  x: crossed the probe face, y: particles after (streamZ)
//
// s = (e * NZ + z) * NX + x. A lane is valid only where its kernel ran this
// step (cellTallies knows which rows those are).
//
// After the rows, two vec4<f32> per cell c = z * NX + x (nuclear.wgsl, with
// nuclear events on; written for every cell of the window's rows [zLo, zHi)):
//
//   rowTallies[CELL_NUCLEAR + 2 c]       nuclear events, secondaries placed, neutral MeV, MeV leaving beyond the angle grid
//   rowTallies[CELL_NUCLEAR + 2 c + 1]   x: MeV deposited in the cell

@group(0) @binding(5) var<storage, read_write> rowTallies: array<vec4<f32>>;
const CELL_NUCLEAR: u32 = 2u * NE * CELLS;
