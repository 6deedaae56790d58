// The per-thread tally slots of the deterministic kernels: 12 f64 at `tallies`
// (src/deterministic/README.md, "Memory layout"). Kernels add, never zero.

@inline export const TALLY_ESCAPED: i32 = 0;          // particles that left the grid
@inline export const TALLY_ESCAPED_ENERGY: i32 = 1;   // their energy, MeV
@inline export const TALLY_ABSORBED: i32 = 2;         // particles absorbed (below the cut-off or the floor)
@inline export const TALLY_DEPOSITED: i32 = 3;        // energy deposited in cells, MeV
@inline export const TALLY_FLOORED: i32 = 4;          // particles dropped below the floor (also in ABSORBED)
// [5] lagged particles (the host's, solverLoop.ts rebase)
@inline export const TALLY_NUCLEAR_EVENTS: i32 = 6;   // particles removed by nonelastic events (nuclearRows.ts)
@inline export const TALLY_NEUTRAL_ENERGY: i32 = 7;   // their energy carried by neutrals and binding, MeV
@inline export const TALLY_LEAVING_ENERGY: i32 = 8;   // MeV of secondaries beyond the angle grid, not deposited
@inline export const TALLY_SECONDARIES: i32 = 9;      // secondary protons placed in psi

/** tallies[slot] += value. */
@inline export function addTally(tallies: usize, slot: i32, value: f64): void {
  const p = tallies + (<usize>slot << 3);
  store<f64>(p, load<f64>(p) + value);
}
