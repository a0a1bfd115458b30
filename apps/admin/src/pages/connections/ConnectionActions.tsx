import type { ReactNode } from "react";
import type { User } from "../../trpc.ts";
import styles from "./connections.module.css";
import { PauseResume } from "./PauseResume.tsx";
import { RenameForm } from "./RenameForm.tsx";
import { RotateCredentialsForm } from "./RotateCredentialsForm.tsx";
import { TierForm } from "./TierForm.tsx";
import type { ConnectionDetail } from "./types.ts";

function Action({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section className={styles.actionGroup} aria-label={title}>
      <h3>{title}</h3>
      {intro ? <p className="muted form-note">{intro}</p> : null}
      {children}
    </section>
  );
}

/** What a person may do to the connection, by role: operators act on it, only admins touch its secrets. */
export function ConnectionActions({
  connection,
  role,
}: {
  connection: ConnectionDetail;
  role: User["role"];
}) {
  if (role === "viewer") {
    return (
      <div className="card">
        <h2>Actions</h2>
        <p className="muted">
          Viewers see the connection; pausing, renaming and the tier need the operator role.
        </p>
      </div>
    );
  }
  return (
    <div className="card">
      <h2>Actions</h2>
      <Action
        title={connection.status === "paused" ? "Resume" : "Pause"}
        intro={
          connection.status === "paused"
            ? "Resuming makes it due at once."
            : "A paused connection is skipped by the scheduler until someone resumes it."
        }
      >
        <PauseResume connection={connection} />
      </Action>
      <Action title="Rename">
        <RenameForm connection={connection} />
      </Action>
      <Action title="Tier">
        <TierForm connection={connection} />
      </Action>
      {role === "admin" ? (
        <Action
          title="Rotate credentials"
          intro="Type the new secret: the stored one is never shown, and is replaced once you save."
        >
          <RotateCredentialsForm connection={connection} />
        </Action>
      ) : null}
    </div>
  );
}
