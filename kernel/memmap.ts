// The physical memory map (WeensyOS style): one character per 4 KiB frame, by owner, with a legend.
import { PAGE_SIZE } from "../hw/ram.js";
import { type FrameTable, FrameUse } from "./frames.js";

const PIDS = "123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJLMNOQRTUVWXYZ";
const PER_LINE = 64;

/** The character for process `pid`'s private pages (wraps after 58 pids). */
export function pidChar(pid: number): string {
  return PIDS[(pid - 1) % PIDS.length]!;
}

/** One character for a frame. */
export function frameChar(frames: FrameTable, ppn: number): string {
  switch (frames.use[ppn]) {
    case FrameUse.Free:
      return ".";
    case FrameUse.Kernel:
      return "K";
    case FrameUse.PageTable:
      return "P";
    case FrameUse.Shared:
      return "S";
    case FrameUse.User:
      return frames.refs[ppn]! > 1 ? "C" : pidChar(frames.pid[ppn]!);
    default:
      return pidChar(frames.pid[ppn]!);
  }
}

/**
 * The whole map as text: rows of 64 frames headed by their physical address (a run of wholly free
 * rows is folded into one line), then a legend.
 */
export function renderMemoryMap(frames: FrameTable): string {
  const lines: string[] = [];
  let freeRows = 0;
  const fold = () => {
    if (freeRows > 1) lines.push(`            ... ${freeRows - 1} more free rows`);
    freeRows = 0;
  };
  for (let first = 0; first < frames.count; first += PER_LINE) {
    let row = "";
    for (let p = first; p < Math.min(first + PER_LINE, frames.count); p++)
      row += frameChar(frames, p);
    const allFree = /^\.+$/.test(row);
    if (!allFree) fold();
    if (!allFree || freeRows++ === 0)
      lines.push(`0x${(first * PAGE_SIZE).toString(16).padStart(8, "0")}  ${row}`);
  }
  fold();
  const used = frames.count - frames.free;
  lines.push(
    "legend: . free  K kernel  P page table  S shared (MAP_SHARED)  C copy-on-write shared  1-9a-z user pages of pid 1, 2, ...",
    `frames: ${frames.count} total, ${used} in use, ${frames.free} free (4 KiB each)`,
  );
  return `${lines.join("\n")}\n`;
}
