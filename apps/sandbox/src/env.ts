import { z } from "zod";

const envSchema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  SANDBOX_HOST: z.string().min(1).default("127.0.0.1"),
  // Multiplies the providers' real pacing (10 s -> 10 ms at 0.001); 0 turns rate limiting off.
  SANDBOX_PACING_SCALE: z.coerce.number().min(0).max(1000).default(0.001),
});

export const env = envSchema.parse(process.env);
