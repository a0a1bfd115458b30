import type { Tone } from "../../components/ui.tsx";
import type { RouterOutputs } from "../../trpc.ts";

export type Group = RouterOutputs["deadLetters"]["groups"]["items"][number];
export type Letter = RouterOutputs["deadLetters"]["list"]["items"][number];
export type LetterStatus = Letter["status"];
export type Selection = { ids: string[] } | { fingerprint: string };

export const statusTones: Record<LetterStatus, Tone> = {
  open: "danger",
  replaying: "info",
  resolved: "success",
  discarded: "neutral",
};
export const classTones: Record<Letter["error_class"], Tone> = { permanent: "danger", transient: "warning" };
export const READ_ONLY = "Needs the operator role";

/** A letter's target, when it is a connection's (the only kind the console can open and pause). */
export interface Target {
  id: string;
  name: string;
}

export function targetOf(letter: Letter): Target | null {
  return letter.connection_id && letter.connection_name
    ? { id: letter.connection_id, name: letter.connection_name }
    : null;
}

/** The distinct connection targets of some letters. */
export function targetsOf(letters: Letter[]): Target[] {
  const byId = new Map<string, Target>();
  for (const letter of letters) {
    const target = targetOf(letter);
    if (target) byId.set(target.id, target);
  }
  return [...byId.values()];
}
