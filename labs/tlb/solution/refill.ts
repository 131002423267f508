// The tlb lab's reference solution: the kernel's own software TLB-miss handler (kernel/refill.ts).
// Grade it in place:
//     vmlab lab grade tlb labs/tlb/solution
export { refillTlb as tlbRefill } from "../../../kernel/refill.js";
