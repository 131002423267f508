// The replacement lab's reference solution: the kernel's own aging policy (kernel/replace/aging.ts).
export { AgingPolicy } from "../../../kernel/replace/aging.js";
