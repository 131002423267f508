// The contiguous lab's reference solution: the kernel's own hole-list allocator (kernel/contiguous/holes.ts, compaction.ts).
// Grade it in place:
//     vmlab lab grade contiguous labs/contiguous/solution
export { ContigAllocator as Allocator } from "../../../kernel/contiguous/compaction.js";
