// The labs' names, in course order, without loading the labs (for the command line's help, which
// must start fast). The registry (registry.ts) holds the labs themselves, in the same order.
export const LAB_NAMES = ["contiguous", "pagetable", "faults", "tlb", "replacement"] as const;
export type LabName = (typeof LAB_NAMES)[number];
