import type { RouterOutputs } from "../../trpc.ts";

export type PacingKey = RouterOutputs["rateLimits"]["list"]["items"][number];
export type KeyTotals = RouterOutputs["rateLimits"]["summary"];
export type ProviderSettings = RouterOutputs["rateLimits"]["providers"][number];
