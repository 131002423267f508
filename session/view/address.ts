// The Address pane: a virtual address split into its fields for the active scheme, and where it
// goes. Sv32: VPN[1] | VPN[0] | offset; segmented: segment | offset; base-limit: the whole address
// is the offset checked against the limit and added to the base; bare: physical = virtual.
import { type MmuEvent, MmuMode } from "../../hw/mmu.js";
import { Access } from "../../hw/trap.js";
import { StepError } from "../step/errors.js";
import { focus, translateIn } from "../step/inspect.js";
import type { Session } from "../step/session.js";
import { lastStep, newTranslation, stepTranslations, translationsOf } from "./translations.js";
import type { AccessName, AddressField, AddressView, SchemeName, Translation } from "./types.js";

const ADDRESS_BITS = 32;
const accessByName: Record<AccessName, Access> = {
  fetch: Access.Fetch,
  load: Access.Load,
  store: Access.Store,
};

/** The current access: the last translation of the last traced step, or null if unknown. */
export function currentAddress(s: Session): AddressView | null {
  const step = lastStep(s);
  if (!step) return null;
  const t = stepTranslations(s, step).at(-1);
  if (!t) return null;
  const pid = step.report.fetched?.pid ?? s.world.kernel.current?.pid ?? null;
  return viewOf(s, t, pid);
}

/**
 * `va` as an `access` by the focus process would see it now: split for the active scheme, and
 * translated without side effects (no TLB fill, LRU stamp, A/D bit or counter changes).
 */
export function addressOf(s: Session, va: number, access: AccessName = "load"): AddressView {
  const p = focus(s);
  const scheme = s.world.kernel.memory.mode;
  const blank = newTranslation(access, va >>> 0, scheme);
  if (!p) return viewOf(s, { ...blank, fault: "no process is left" }, null);
  const events: MmuEvent[] = [];
  try {
    translateIn(s, p, va, accessByName[access], (e) => events.push(e));
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    return viewOf(s, { ...blank, fault: e.message }, p.pid);
  }
  const t = translationsOf(events, s.world.machine.mmu.segments)[0] ?? blank;
  return viewOf(s, t, p.pid);
}

function viewOf(s: Session, t: Translation, pid: number | null): AddressView {
  return {
    va: t.va,
    scheme: t.scheme,
    access: t.access,
    pid,
    fields: fieldsOf(s, t.scheme, t.va),
    relocation: t.relocation,
    pa: t.pa,
    fault: t.fault,
  };
}

/** The fields of `va` under `scheme`, high bits first. */
export function fieldsOf(s: Session, scheme: SchemeName, va: number): AddressField[] {
  const mmu = s.world.machine.mmu;
  switch (scheme) {
    case MmuMode.Paged: {
      const f = mmu.format;
      return pagedFields(va, f.pageShift, f.indexBits);
    }
    case MmuMode.Segmented: {
      const bits = mmu.addressBits;
      return [
        field("segment", va, bits - 1, bits - mmu.segmentBits),
        field("offset", va, bits - mmu.segmentBits - 1, 0),
      ];
    }
    case MmuMode.BaseLimit:
      return [field("offset", va, ADDRESS_BITS - 1, 0)];
    default:
      return [field("address", va, ADDRESS_BITS - 1, 0)];
  }
}

/** VPN fields root first (VPN[levels-1] .. VPN[0], or one VPN), then the page offset. */
function pagedFields(va: number, pageShift: number, indexBits: readonly number[]): AddressField[] {
  const out: AddressField[] = [];
  let hi = pageShift + indexBits.reduce((a, b) => a + b, 0) - 1;
  indexBits.forEach((bits, i) => {
    const level = indexBits.length - 1 - i;
    const name = indexBits.length > 1 ? `VPN[${level}]` : "VPN";
    out.push(field(name, va, hi, hi - bits + 1));
    hi -= bits;
  });
  out.push(field("offset", va, pageShift - 1, 0));
  return out;
}

/** Bits hi..lo of `va` as a named field. */
function field(name: string, va: number, hi: number, lo: number): AddressField {
  const width = hi - lo + 1;
  const value = Math.floor((va >>> 0) / 2 ** lo) % 2 ** width;
  return { name, hi, lo, value };
}
