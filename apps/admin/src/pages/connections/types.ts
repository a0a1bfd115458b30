import type { AppRouter } from "@synchub/api";
import type { inferRouterClient } from "@trpc/client";

type Client = inferRouterClient<AppRouter>;
type Output<P extends { query: (...args: never[]) => unknown }> = Awaited<ReturnType<P["query"]>>;

export type ConnectionRow = Output<Client["connections"]["list"]>["items"][number];
export type ConnectionCounts = Output<Client["connections"]["summary"]>;
export type ConnectionDetail = Output<Client["connections"]["byId"]>;
export type DailyCost = Output<Client["connections"]["history"]>[number];
export type TenantOption = Output<Client["tenants"]["list"]>["items"][number];
