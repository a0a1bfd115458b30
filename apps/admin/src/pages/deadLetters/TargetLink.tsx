import { Link } from "@tanstack/react-router";
import type { Target } from "./types.ts";

/**
 * A letter's target. The connection page (/connections/$id) does not exist yet: until it does,
 * this opens the target's runs, the closest view of it.
 */
export function TargetLink({ target }: { target: Target }) {
  return (
    <Link to="/runs" search={{ connection: target.id }} title={`Runs of ${target.name}`}>
      {target.name}
    </Link>
  );
}
