// The contiguous lab's reference solution: the kernel's own fit policies (kernel/contig.ts).
export { bestFit, firstFit, nextFit, worstFit } from "../../../kernel/contiguous/holes.js";
