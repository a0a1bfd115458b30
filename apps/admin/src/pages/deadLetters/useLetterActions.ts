import { useMutation, useQueryClient } from "@tanstack/react-query";
import { count } from "../../format.ts";
import { useTRPC } from "../../trpc.ts";

export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** Replay and discard of a selection, with the outcome told to the page, and every list refreshed. */
export function useLetterActions(onDone: (message: string) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() }),
    ]);
  const replay = useMutation(
    trpc.deadLetters.replay.mutationOptions({
      onSuccess: async ({ replayed }) => {
        onDone(
          `Replayed ${plural(replayed.length, "dead letter")}: back in the queue with the original payload.`,
        );
        await refresh();
      },
    }),
  );
  const discard = useMutation(
    trpc.deadLetters.discard.mutationOptions({
      onSuccess: async ({ discarded }) => {
        onDone(`Discarded ${plural(discarded.length, "dead letter")}.`);
        await refresh();
      },
    }),
  );
  return { replay, discard };
}
