import { z } from "zod";
import { oneOf, requiredText, uuidOf } from "./fields.ts";

export const roles = ["viewer", "operator", "admin"] as const;
export const roleSchema = oneOf(roles);

/** A password: at least 8 characters (and no more than anyone types). */
export const passwordSchema = z
  .string({ error: "Enter a password" })
  .min(8, "Use at least 8 characters")
  .max(1000, "Use at most 1000 characters");

/** The new user form (`users.create`). */
export const createUserSchema = z.object({
  // The patterns allow "" so that a blank name reads only "Enter a username".
  username: requiredText("Enter a username", 100)
    .regex(/^[^\s:]*$/, "A username has no spaces or colons")
    // Control, format (bidi overrides, zero-width) and unassigned characters make one name look
    // like another in the console and the audit log.
    .regex(/^\P{C}*$/u, "A username has no control, invisible or direction-changing characters"),
  password: passwordSchema,
  role: roleSchema,
});

export const userIdSchema = z.object({ id: uuidOf("User") });

/** The role picker (`users.setRole`). */
export const setUserRoleSchema = userIdSchema.extend({ role: roleSchema });
