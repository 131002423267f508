// Program symbols for the stepper: names for addresses in disassembly, and labels for `break`.
import { makeSymbolLookup, type NamedAddress, type SymbolLookup } from "../../asm/disasm.js";
import type { ElfImage } from "../../hw/elf.js";

const STT_SECTION = 3;
const STT_FILE = 4;
const lookups = new WeakMap<ElfImage, SymbolLookup>();

/** True if `addr` lies in one of the image's loadable segments. */
function inImage(image: ElfImage, addr: number): boolean {
  return image.segments.some((s) => addr >= s.vaddr && addr < s.vaddr + s.memsz);
}

/** Named symbols of `image` (no section or file symbols), those inside its segments first. */
export function labelsOf(image: ElfImage): NamedAddress[] {
  const named = image.symbols
    // Mapping symbols ($x, $d, GNU as's "$xrv32i2p1_m2p0") mark code and data, not labels.
    .filter(
      (s) =>
        s.name !== "" && !s.name.startsWith("$") && s.type !== STT_SECTION && s.type !== STT_FILE,
    )
    .map((s) => ({ name: s.name, address: s.value >>> 0 }));
  return [
    ...named.filter((s) => inImage(image, s.address)),
    ...named.filter((s) => !inImage(image, s.address)),
  ];
}

/** Names addresses inside the image as objdump does ("_start", "loop+0x8"); cached per image. */
export function symbolLookup(image: ElfImage | undefined): SymbolLookup {
  if (!image) return () => undefined;
  let lookup = lookups.get(image);
  if (!lookup) {
    const inside = labelsOf(image).filter((s) => inImage(image, s.address));
    const named = makeSymbolLookup(inside);
    lookup = (addr) => (inImage(image, addr) ? named(addr) : undefined);
    lookups.set(image, lookup);
  }
  return lookup;
}

/** The address of label `name` in the first image that has it, or undefined. */
export function findLabel(images: readonly ElfImage[], name: string): number | undefined {
  for (const image of images) {
    const s = labelsOf(image).find((l) => l.name === name);
    if (s) return s.address;
  }
  return undefined;
}

/** Every label name of the images, sorted, without repeats (for completion and messages). */
export function labelNames(images: readonly ElfImage[]): string[] {
  return [...new Set(images.flatMap((i) => labelsOf(i).map((l) => l.name)))].sort();
}
