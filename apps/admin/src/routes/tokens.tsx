import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { TokensPage } from "../pages/tokens/TokensPage.tsx";

/** The API tokens page's filter, kept in the URL. */
const tokensSearch = z.object({ status: z.enum(["active", "revoked"]).optional().catch(undefined) });

export const Route = createFileRoute("/tokens")({
  staticData: { title: "API tokens", nav: { label: "API tokens", order: 100, adminOnly: true } },
  validateSearch: tokensSearch,
  component: TokensPage,
});
