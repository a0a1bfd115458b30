import { z } from "zod";

/** Login input: bounded, so a huge password cannot tie up scrypt (or memory) before it is refused. */
export const loginSchema = z.object({
  username: z.string().trim().min(1, "Enter your username").max(100, "Use at most 100 characters"),
  password: z.string().min(1, "Enter your password").max(1000, "Use at most 1000 characters"),
});
