// Every lab vmlab knows, in the order a course would take them.
import { pagetableLab } from "../pagetable/tests/index.js";
import type { LabDefinition } from "./types.js";

export const labs: readonly LabDefinition[] = [pagetableLab];

/** The lab called `name`, or undefined. */
export function labByName(name: string): LabDefinition | undefined {
  return labs.find((l) => l.name === name);
}
