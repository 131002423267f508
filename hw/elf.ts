// The executable image a program is loaded from: its entry point, the PT_LOAD segments to map and
// the symbol table (for debuggers and traces). One shape for every layer: the one ELF reader
// (asm/elf-reader.ts readExecutable) returns it and the kernel's loader maps it. It lives at the
// bottom (hw/) because both the assembler and the kernel use it and neither may import the other.

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
