import { useSyncExternalStore } from "react";

/** Hash routes keep the static build servable from any path without server-side fallbacks. */
export type Route =
  | { page: "connections" }
  | { page: "runs"; connectionId: string | null }
  | { page: "run"; id: string }
  | { page: "schedules" }
  | { page: "schedule"; id: string };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "runs" && parts[1]) return { page: "run", id: decodeURIComponent(parts[1]) };
  if (parts[0] === "runs") return { page: "runs", connectionId: params.get("connection") };
  if (parts[0] === "schedules" && parts[1]) return { page: "schedule", id: decodeURIComponent(parts[1]) };
  if (parts[0] === "schedules") return { page: "schedules" };
  return { page: "connections" };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
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
