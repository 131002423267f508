// Every lab vmlab knows, in the order a course would take them.
import { contiguousLab } from "../contiguous/tests/index.js";
import { faultsLab } from "../faults/tests/index.js";
import { pagetableLab } from "../pagetable/tests/index.js";
import { replacementLab } from "../replacement/tests/index.js";
import { tlbLab } from "../tlb/tests/index.js";
import type { LabDefinition } from "./types.js";

export const labs: readonly LabDefinition[] = [
  contiguousLab,
  pagetableLab,
  faultsLab,
  tlbLab,
  replacementLab,
];

/** The lab called `name`, or undefined. */
export function labByName(name: string): LabDefinition | undefined {
  return labs.find((l) => l.name === name);
}
