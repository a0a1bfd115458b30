import { zodResolver } from "@hookform/resolvers/zod";
import { TRPCClientError } from "@trpc/client";
import { type FieldValues, type Path, type UseFormProps, type UseFormReturn, useForm } from "react-hook-form";
import type { z } from "zod";
import { errorMessage } from "../../trpc.ts";

/**
 * A React Hook Form validated by a procedure's own zod schema (from @synchub/api/schemas), so the
 * browser says what the server would, with the same words, before anything is sent.
 */
export function useZodForm<Schema extends z.ZodType<FieldValues, FieldValues>>(
  schema: Schema,
  options?: Omit<UseFormProps<z.input<Schema>, unknown, z.output<Schema>>, "resolver">,
): UseFormReturn<z.input<Schema>, unknown, z.output<Schema>> {
  return useForm<z.input<Schema>, unknown, z.output<Schema>>({
    // The resolver's own generics cannot follow a generic schema; the types above are the contract.
    resolver: zodResolver(schema as never) as never,
    mode: "onTouched",
    ...options,
  });
}

/** The key under which a form keeps an error that belongs to no one field. */
export const FORM_ERROR = "root.server" as const;

/**
 * Puts a failed submission's errors where they belong: each issue the server names a field for
 * under that field, the rest above the buttons. Returns whether anything was placed.
 */
export function showServerErrors<Values extends FieldValues>(
  form: UseFormReturn<Values, unknown, never> | UseFormReturn<Values, unknown, FieldValues>,
  error: unknown,
): void {
  const fields = new Set(Object.keys(form.getValues()));
  const issues =
    error instanceof TRPCClientError
      ? ((error.data?.issues as { path: string; message: string }[] | null | undefined) ?? [])
      : [];
  const unplaced: string[] = [];
  for (const issue of issues) {
    const top = issue.path.split(".")[0] ?? "";
    if (issue.path && fields.has(top)) {
      form.setError(issue.path as Path<Values>, { type: "server", message: issue.message });
    } else {
      unplaced.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
  }
  if (issues.length === 0) unplaced.push(errorMessage(error));
  if (unplaced.length > 0) form.setError(FORM_ERROR, { type: "server", message: unplaced.join("; ") });
}
