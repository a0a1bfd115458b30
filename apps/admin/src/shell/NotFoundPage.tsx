import { Link } from "@tanstack/react-router";
import { EmptyState, PageHeader } from "../components/ui.tsx";
import { usePageTitle } from "./pageTitle.ts";

/** Unknown paths say so, instead of silently showing another page. */
export function NotFoundPage() {
  usePageTitle("Page not found");
  return (
    <section aria-labelledby="not-found-heading">
      <PageHeader id="not-found-heading" title="Page not found" />
      <EmptyState title="There is no page at this address">
        It may have moved, or the link was mistyped. <Link to="/overview">Go to the Overview</Link>
      </EmptyState>
    </section>
  );
}
