import { Link } from "@tanstack/react-router";
import type { Target } from "./types.ts";

/** A letter's target: its connection page, where credentials are rotated and the target resumed. */
export function TargetLink({ target }: { target: Target }) {
  return (
    <Link to="/connections/$id" params={{ id: target.id }} title={`Connection ${target.name}`}>
      {target.name}
    </Link>
  );
}
