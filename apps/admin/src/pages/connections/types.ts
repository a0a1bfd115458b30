import type { RouterOutputs } from "../../trpc.ts";

export type ConnectionRow = RouterOutputs["connections"]["list"]["items"][number];
export type ConnectionCounts = RouterOutputs["connections"]["summary"];
export type ConnectionDetail = RouterOutputs["connections"]["byId"];
export type DailyCost = RouterOutputs["connections"]["history"][number];
export type TenantOption = RouterOutputs["tenants"]["list"]["items"][number];
