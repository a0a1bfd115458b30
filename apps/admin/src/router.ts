import { useSyncExternalStore } from "react";

/** Hash routes keep the static build servable from any path without server-side fallbacks. */
export type Route =
  | { page: "overview" }
  | { page: "connections" }
  | { page: "runs"; connectionId: string | null }
  | { page: "run"; id: string }
  | { page: "schedules" }
  | { page: "schedule"; id: string }
  | { page: "dead-letters" }
  | { page: "rate-limits" }
  | { page: "credits" }
  | { page: "users" }
  | { page: "tokens" }
  | { page: "audit" };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "runs" && parts[1]) return { page: "run", id: decodeURIComponent(parts[1]) };
  if (parts[0] === "runs") return { page: "runs", connectionId: params.get("connection") };
  if (parts[0] === "schedules" && parts[1]) return { page: "schedule", id: decodeURIComponent(parts[1]) };
  if (parts[0] === "schedules") return { page: "schedules" };
  if (parts[0] === "connections") return { page: "connections" };
  if (parts[0] === "dead-letters") return { page: "dead-letters" };
  if (parts[0] === "rate-limits") return { page: "rate-limits" };
  if (parts[0] === "credits") return { page: "credits" };
  if (parts[0] === "users") return { page: "users" };
  if (parts[0] === "tokens") return { page: "tokens" };
  if (parts[0] === "audit") return { page: "audit" };
  // The landing page after login, and where unknown paths end up.
  return { page: "overview" };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case "overview":
      return "#/overview";
    case "connections":
      return "#/connections";
    case "runs":
      return route.connectionId ? `#/runs?connection=${encodeURIComponent(route.connectionId)}` : "#/runs";
    case "run":
      return `#/runs/${encodeURIComponent(route.id)}`;
    case "schedules":
      return "#/schedules";
    case "schedule":
      return `#/schedules/${encodeURIComponent(route.id)}`;
    case "dead-letters":
      return "#/dead-letters";
    case "rate-limits":
      return "#/rate-limits";
    case "credits":
      return "#/credits";
    case "users":
      return "#/users";
    case "tokens":
      return "#/tokens";
    case "audit":
      return "#/audit";
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

function subscribe(onChange: () => void) {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
