import { credentialsSchemaFor, type ProviderId } from "@synchub/api/schemas";
import type { FieldValues, Path } from "react-hook-form";
import { TextField } from "../../components/form/fields.tsx";

/** What each provider's credential field reads as; the names come from the provider's own schema. */
const credentialLabels: Record<string, string> = {
  adminKey: "Admin key",
  apiKey: "API key",
  accessKeyId: "Access key id (AK)",
  secretAccessKey: "Secret access key (SK)",
};

/** The credential field names of one provider, in its schema's order. */
export function credentialFieldNames(provider: ProviderId): string[] {
  return Object.keys(credentialsSchemaFor(provider).shape);
}

/** Every credential field of the provider, blank: a form's start, and what it goes back to once sent. */
export function emptyCredentials(provider: ProviderId): Record<string, string> {
  return Object.fromEntries(credentialFieldNames(provider).map((field) => [field, ""]));
}

/**
 * The provider's credential inputs under `credentials.<field>`. Password inputs that the browser
 * must not fill in: a secret is typed (or pasted) on purpose, never remembered.
 */
export function CredentialFields<Values extends FieldValues>({ provider }: { provider: ProviderId }) {
  return (
    <>
      {credentialFieldNames(provider).map((field) => (
        <TextField<Values>
          key={`${provider}.${field}`}
          name={`credentials.${field}` as Path<Values>}
          label={credentialLabels[field] ?? field}
          type="password"
          autoComplete="new-password"
        />
      ))}
    </>
  );
}
