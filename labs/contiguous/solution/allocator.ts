// The contiguous lab's reference solution: the kernel's own hole-list allocator (kernel/contig.ts).
// Grade it in place:
//     vmlab lab grade contiguous labs/contiguous/solution
export { ContigAllocator as Allocator } from "../../../kernel/contiguous/holes.js";
