// The one rule for the names people give records (a data source's, a task's): shown in lists,
// dialogs, logs and the audit trail, so they must read as what they are. Control characters are
// paste accidents nobody can see; bidirectional controls can make a name display as another
// (the "Trojan Source" trick: "invoice\u202Etxt.exe" reads "invoiceexe.txt").
import { z } from "./zod.ts";

export type NamedRecord = "data source" | "task" | "organization" | "API key" | "person" | "warehouse" | "alert rule" | "destination";

/** C0, DEL and C1 control characters. */
const CONTROL = /\p{Cc}/u;
/**
 * Bidirectional formatting characters: embeddings and overrides (U+202A–U+202E), isolates
 * (U+2066–U+2069) and the invisible marks (U+200E LRM, U+200F RLM, U+061C ALM, the same kind of
 * mark for Arabic script).
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export const NAME_MESSAGES = {
  control: (record: NamedRecord) =>
    `The ${record} name cannot contain control characters (tab, line break, NUL, ...); remove them`,
  bidi: (record: NamedRecord) =>
    `The ${record} name cannot contain invisible text-direction characters (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069): ` +
    "they can make a name display as something else; remove them",
} as const;

/** A record's name: trimmed, present, at most 128 characters, and only characters that show as themselves. */
export function displayNameSchema(record: NamedRecord, messages: { required: string; tooLong: string }) {
  return z
    .string()
    .trim()
    .pipe(
      z
        .string()
        .min(1, messages.required)
        .max(128, messages.tooLong)
        .refine((name) => !CONTROL.test(name), NAME_MESSAGES.control(record))
        .refine((name) => !BIDI_CONTROL.test(name), NAME_MESSAGES.bidi(record)),
    );
}
