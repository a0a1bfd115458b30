import { useMatches } from "@tanstack/react-router";
import { useEffect } from "react";

const product = "synchub";

/** Sets the tab's title to "<title> · synchub" while the calling page shows. */
export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} · ${product}`;
  }, [title]);
}

/**
 * The shown route's own static title, the default every list page gets without code. A detail
 * route has none: its page names the object (usePageTitle), and the shell must not overwrite it.
 */
export function useRouteTitle(): string | undefined {
  const matches = useMatches();
  return matches[matches.length - 1]?.staticData.title;
}
