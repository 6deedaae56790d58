// The per-thread tally slots of the deterministic kernels: 8 f64 at `tallies`
// (src/deterministic/README.md, "Memory layout"). Kernels add, never zero.

@inline export const TALLY_ESCAPED: i32 = 0;          // particles that left the grid
@inline export const TALLY_ESCAPED_ENERGY: i32 = 1;   // their energy, MeV
@inline export const TALLY_ABSORBED: i32 = 2;         // particles absorbed (below the cut-off or the floor)
@inline export const TALLY_DEPOSITED: i32 = 3;        // energy deposited in cells, MeV
@inline export const TALLY_FLOORED: i32 = 4;          // particles dropped below the floor (also in ABSORBED)

/** tallies[slot] += value. */
@inline export function addTally(tallies: usize, slot: i32, value: f64): void {
  const p = tallies + (<usize>slot << 3);
  store<f64>(p, load<f64>(p) + value);
}
