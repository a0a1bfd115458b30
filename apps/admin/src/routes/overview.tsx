import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { OverviewPage } from "../pages/overview/OverviewPage.tsx";

/** The Overview's time range, kept in the URL. (Default: 24h) */
const overviewSearch = z.object({
  range: z.enum(["1h", "24h", "7d", "30d"]).optional().catch(undefined),
});

export type OverviewSearch = z.infer<typeof overviewSearch>;

export const Route = createFileRoute("/overview")({
  staticData: { title: "Overview", nav: { label: "Overview", order: 10 } },
  validateSearch: overviewSearch,
  component: OverviewPage,
});
