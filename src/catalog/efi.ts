import type { EventTypeEntry } from "./entry";
import { pixEventTypes } from "./pix";

/**
 * What adapters/efi.ts produces: Banco Central's Pix callbacks, read by the Pix adapter, each
 * type in Efí's own namespace (`efi.pix.received`, `efi.pix.refund.<status>`…). The schemas and
 * examples are the Pix entries', with the type and the source renamed.
 */
export const efiEventTypes: EventTypeEntry[] = pixEventTypes.map((entry) => ({
  ...entry,
  type: `efi.${entry.type}`,
  sources: ["efi"],
  description: `${entry.description} Efí's callback.`,
  example: { ...entry.example, id: entry.example.id.replace(/^pix:/, "efi:"), source: "/hooks/efi", type: `efi.${entry.example.type}` },
}));
