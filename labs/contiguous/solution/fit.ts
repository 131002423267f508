// The contiguous lab's reference solution: the kernel's own fit policies (kernel/contiguous/fits.ts).
export { bestFit, firstFit, nextFit, worstFit } from "../../../kernel/contiguous/fits.js";
