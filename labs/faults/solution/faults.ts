// The faults lab's reference solution: the kernel's own page-fault handler (kernel/paging/fault.ts).
// Grade it in place:
//     vmlab lab grade faults labs/faults/solution
export { handlePageFault as pageFault } from "../../../kernel/paging/fault.js";
