/**
 * Target slots of a material's nuclear events (proton elastic targets: materialTables.ts; ion
 * reaction targets: reactionTables.ts): the `slots` elements with the largest coefficients get a
 * slot each; every other element shares the slot whose atomic weight is nearest its own.
 */
import { getElement } from '../physics/index.js';

export interface SlotCandidate {
  /** Index of the element in material.elements. */
  readonly index: number;
  readonly atomicNumber: number;
  /** Its coefficient, which ranks it (ties: lower Z first). */
  readonly coefficient: number;
}

export interface SlotAssignment {
  /** The slot elements, in slot order. */
  readonly slotted: readonly SlotCandidate[];
  /** Slot of each candidate's element index (elements not among the candidates keep `unslotted`). */
  readonly slotOfElement: readonly number[];
}

export function assignSlots(candidates: readonly SlotCandidate[], slots: number, elements: number, unslotted: number): SlotAssignment {
  const weight = (c: SlotCandidate) => getElement(c.atomicNumber).atomicWeight;
  const ranked = [...candidates].sort((p, q) => q.coefficient - p.coefficient || p.atomicNumber - q.atomicNumber);
  const slotted = ranked.slice(0, slots);
  const slotOfElement = Array.from({ length: elements }, () => unslotted);
  slotted.forEach((c, k) => { slotOfElement[c.index] = k; });
  for (const c of ranked.slice(slots)) {
    let best = 0;
    slotted.forEach((s, k) => { if (Math.abs(Math.log(weight(s) / weight(c))) < Math.abs(Math.log(weight(slotted[best]!) / weight(c)))) best = k; });
    slotOfElement[c.index] = best;
  }
  return { slotted, slotOfElement };
}
