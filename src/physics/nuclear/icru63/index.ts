/**
 * The elements for which ICRU Report 63 (2000) tabulates proton cross sections, as shipped by
 * MCsquare (GitHub e0404/MCsquare, commit 211eefe6eaf2b8572d196d17f546f35ffb0ae0cf), in order of
 * atomic number. One data module per element; regenerate them with scripts/icru63-extract.mjs.
 */
import type { Icru63ElementData } from '../crossSectionTable.js';
import { ICRU63_ALUMINIUM } from './aluminium.js';
import { ICRU63_CALCIUM } from './calcium.js';
import { ICRU63_CARBON } from './carbon.js';
import { ICRU63_COPPER } from './copper.js';
import { ICRU63_IRON } from './iron.js';
import { ICRU63_LEAD } from './lead.js';
import { ICRU63_NITROGEN } from './nitrogen.js';
import { ICRU63_OXYGEN } from './oxygen.js';
import { ICRU63_PHOSPHORUS } from './phosphorus.js';
import { ICRU63_SILICON } from './silicon.js';
import { ICRU63_TUNGSTEN } from './tungsten.js';

export const ICRU63_ELEMENTS: readonly Icru63ElementData[] = Object.freeze([
  ICRU63_CARBON, ICRU63_NITROGEN, ICRU63_OXYGEN, ICRU63_ALUMINIUM, ICRU63_SILICON, ICRU63_PHOSPHORUS,
  ICRU63_CALCIUM, ICRU63_IRON, ICRU63_COPPER, ICRU63_TUNGSTEN, ICRU63_LEAD,
]);
