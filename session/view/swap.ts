// The Swap pane: the slots in use and the pages on them, and the replacement policy's pages in
// its own order (FIFO's queue, the Clock's ring from its hand, ...) with their A and D bits.
import { PTE_V } from "../../hw/sv32.js";
import { PTE_SWAP, swapSlot } from "../../kernel/paging/pagetable.js";
import type { Swapper } from "../../kernel/swap/swap.js";
import type { Session } from "../step/session.js";
import type { PolicyPage, SwapSlotRow, SwapView } from "./types.js";
import { forEachLeaf } from "./walk.js";

/** What each built-in policy's order() means, and whether its head is a clock hand. */
const ORDERS: Record<string, { order: string; hand: boolean }> = {
  fifo: {
    order: "load order: the first page the kernel may evict is the next victim",
    hand: false,
  },
  clock: {
    order:
      "the ring from the hand: the hand clears A bits as it passes and evicts the first page whose A bit is clear",
    hand: true,
  },
  "enhanced-clock": {
    order:
      "the ring from the hand: the first page with A and D clear, else the first with A clear (clearing A as it passes)",
    hand: true,
  },
  lru: { order: "load order; the victim is the page with the oldest last use", hand: false },
  mru: { order: "load order; the victim is the page with the newest last use", hand: false },
  aging: {
    order: "load order; the victim is the page with the smallest aging counter",
    hand: false,
  },
  random: { order: "load order; the victim is drawn at random", hand: false },
};
const OTHER_ORDER = { order: "the policy's own order", hand: false };

/** Swap slots and the replacement policy's pages now; `enabled` false if the kernel does not swap. */
export function swapView(s: Session): SwapView {
  const swapper = s.world.kernel.swapper;
  if (!swapper)
    return {
      enabled: false,
      policy: null,
      slots: 0,
      used: 0,
      inUse: [],
      queue: [],
      order: "",
      hand: null,
    };
  const meaning = ORDERS[swapper.policy.name] ?? OTHER_ORDER;
  const queue = queueOf(s, swapper);
  return {
    enabled: true,
    policy: swapper.policy.name,
    slots: swapper.space.slots,
    used: swapper.space.used,
    inUse: slotsInUse(s, swapper),
    queue,
    order: meaning.order,
    hand: meaning.hand ? (queue[0]?.ppn ?? null) : null,
  };
}

/** The slots with references, each with the pages (pid, va) whose PTEs name it. */
function slotsInUse(s: Session, swapper: Swapper): SwapSlotRow[] {
  const owners = new Map<number, { pid: number; va: number }[]>();
  forEachLeaf(s, (p, va, pte) => {
    if ((pte & PTE_V) !== 0 || (pte & PTE_SWAP) === 0) return;
    const slot = swapSlot(pte);
    const list = owners.get(slot) ?? [];
    list.push({ pid: p.pid, va });
    owners.set(slot, list);
  });
  const rows: SwapSlotRow[] = [];
  for (let slot = 0; slot < swapper.space.slots; slot++) {
    const refs = swapper.space.refsOf(slot);
    if (refs > 0) rows.push({ slot, refs, owners: owners.get(slot) ?? [] });
  }
  return rows;
}

/** The policy's resident pages in its order, with owner, address, A/D bits and last use. */
function queueOf(s: Session, swapper: Swapper): PolicyPage[] {
  const frames = s.world.kernel.frames;
  const view = swapper.view;
  return swapper.policy.order().map((ppn) => ({
    ppn,
    pid: frames.pid[ppn]!,
    va: frames.va[ppn]!,
    referenced: view.referenced(ppn),
    dirty: view.dirty(ppn),
    evictable: view.evictable(ppn),
    lastUse: swapper.lastUse(ppn),
  }));
}
