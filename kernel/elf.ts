// What the kernel loads: an executable's entry point, the PT_LOAD segments it maps and the symbol
// table (for debuggers and traces). The one ELF reader is asm/elf-reader.ts (readExecutable),
// which returns this shape; the kernel may not import asm/, so the shape is stated here.

/** A loadable segment: `memsz - filesz` bytes after the file data are zero (bss). */
export interface ElfSegment {
  vaddr: number;
  memsz: number;
  /** The bytes from the file (filesz of them). */
  data: Uint8Array;
  readable: boolean;
  writable: boolean;
  executable: boolean;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_FUNC, STT_OBJECT, ...: 0 none, 1 object, 2 func, 3 section, 4 file. */
  type: number;
}

export interface ElfImage {
  entry: number;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
}
