import type { ReactNode } from "react";
import styles from "./DeadLetters.module.css";
import { TargetLink } from "./TargetLink.tsx";
import type { Target } from "./types.ts";

/**
 * Said before a permanent failure is replayed: a replay runs the same request with the same
 * credentials, so it fails again until someone fixes the cause.
 */
export function PermanentWarning({ targets, children }: { targets: Target[]; children?: ReactNode }) {
  return (
    <div className={styles.warning} role="alert">
      <p>
        <strong>The error is permanent</strong> (e.g. rejected credentials): replaying will fail again until
        you fix the cause. Fix the credentials first.
      </p>
      {targets.length > 0 ? (
        <p className={styles.targets}>
          {targets.length === 1 ? "Target: " : "Targets: "}
          {targets.map((target, i) => (
            <span key={target.id}>
              {i > 0 ? ", " : null}
              <TargetLink target={target} />
            </span>
          ))}
        </p>
      ) : null}
      {children}
    </div>
  );
}
