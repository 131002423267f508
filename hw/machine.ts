// The whole machine: RAM, MMU (with its TLB) and CPU, built from one configuration, with one
// seeded PRNG. This is the surface the kernel drives.
import { Cpu, type Engine } from "./cpu.js";
import { Disk } from "./disk.js";
import { AdMode, accessCycles, checkMmuConfig, Mmu, type MmuConfig, RefillMode } from "./mmu.js";
import { Prng } from "./prng.js";
import { checkRamSize, Ram } from "./ram.js";
import { TlbPolicy } from "./tlb.js";

/** Cycle costs of the timing model (effective access time = cycles / accesses). */
export interface CycleCosts {
  instruction: number;
  tlbHit: number;
  memory: number;
  /** Each page-table level read during a walk. */
  walkLevel: number;
  /** Each 4 KiB disk transfer (swap). */
  disk: number;
}

export interface MachineConfig {
  ramSize: number;
  mmu: MmuConfig;
  seed: number;
  costs: CycleCosts;
  /** Size of the swap disk in bytes (0: no disk). */
  swapSize: number;
  /** How the CPU runs guest code (default: interpret). Both engines give the same results. */
  engine?: Engine;
  /** Compiling engine: instructions a chunk of code runs interpreted before it is compiled. */
  compileAfter?: number;
}

export const defaultMachineConfig: MachineConfig = {
  ramSize: 16 * 1024 * 1024,
  mmu: {
    tlb: { entries: 64, ways: 64, policy: TlbPolicy.Lru },
    refill: RefillMode.Hardware,
    ad: AdMode.Hardware,
    segmentBits: 2,
  },
  seed: 1,
  costs: { instruction: 1, tlbHit: 1, memory: 100, walkLevel: 100, disk: 1_000_000 },
  swapSize: 0,
};

/** Why a machine configuration is not acceptable, or undefined. */
export function checkMachineConfig(c: MachineConfig): string | undefined {
  const swap =
    !Number.isInteger(c.swapSize) || c.swapSize < 0 || c.swapSize % 4096 !== 0
      ? "swap size must be a multiple of 4 KiB"
      : undefined;
  return checkRamSize(c.ramSize) ?? checkMmuConfig(c.mmu) ?? swap;
}

/** Hardware counters, as reported by `--stats`. */
export interface HwStats {
  instructions: number;
  loads: number;
  stores: number;
  /** Fetches, loads and stores translated (one TLB lookup each in paged mode). */
  translations: number;
  tlbHits: number;
  tlbMisses: number;
  walkReads: number;
  pageFaults: number;
  accessFaults: number;
  adUpdates: number;
  tlbRefillTraps: number;
  diskReads: number;
  diskWrites: number;
  cycles: number;
  /** Average cycles per memory access under the timing model. */
  effectiveAccessTime: number;
}

export class Machine {
  readonly config: MachineConfig;
  readonly rng: Prng;
  readonly ram: Ram;
  readonly mmu: Mmu;
  readonly cpu: Cpu;
  readonly disk: Disk;

  /** `config` must pass checkMachineConfig. */
  constructor(config: MachineConfig) {
    this.config = config;
    this.rng = new Prng(config.seed);
    this.ram = new Ram(config.ramSize);
    this.mmu = new Mmu(this.ram, config.mmu, this.rng);
    this.cpu = new Cpu(this.mmu);
    this.cpu.engine = config.engine ?? "interpret";
    if (config.compileAfter !== undefined) this.cpu.compileAfter = config.compileAfter;
    this.disk = new Disk(config.swapSize);
  }

  /** The counters so far. */
  stats(): HwStats {
    const { cpu, mmu } = this;
    const c = this.config.costs;
    // Every fetch, load and store attempted is one translation (one TLB lookup when paged).
    const translations = cpu.ticks + cpu.loads + cpu.stores + mmu.counters.failedDataTranslations;
    const paged = mmu.mode === "paged";
    const tlbHits = paged ? Math.max(0, translations - mmu.counters.tlbMisses) : 0;
    const memoryCycles = accessCycles(
      {
        accesses: translations,
        tlbLookups: paged ? translations : 0,
        walkReads: mmu.counters.walkReads,
        adUpdates: mmu.counters.adUpdates,
      },
      c,
    );
    const diskCycles = (this.disk.reads + this.disk.writes) * c.disk;
    return {
      instructions: cpu.instret,
      loads: cpu.loads,
      stores: cpu.stores,
      translations,
      tlbHits,
      tlbMisses: mmu.counters.tlbMisses,
      walkReads: mmu.counters.walkReads,
      pageFaults: mmu.counters.pageFaults,
      accessFaults: mmu.counters.accessFaults,
      adUpdates: mmu.counters.adUpdates,
      tlbRefillTraps: mmu.counters.tlbRefillTraps,
      diskReads: this.disk.reads,
      diskWrites: this.disk.writes,
      cycles:
        cpu.instret * c.instruction + memoryCycles + (this.disk.reads + this.disk.writes) * c.disk,
      effectiveAccessTime: translations === 0 ? 0 : (memoryCycles + diskCycles) / translations,
    };
  }
}
