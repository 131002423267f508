// The replacement lab's reference solution: the kernel's own Clock policy (kernel/replace/clock.ts).
// Grade it in place:
//     vmlab lab grade replacement labs/replacement/solution
export { ClockPolicy } from "../../../kernel/replace/clock.js";
