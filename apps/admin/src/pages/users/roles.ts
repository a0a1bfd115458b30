import { roles } from "@synchub/api/schemas";
import type { Tone } from "../../components/ui.tsx";

export type Role = (typeof roles)[number];
export { roles };
export const roleTones: Record<Role, Tone> = { viewer: "neutral", operator: "info", admin: "accent" };
export const roleLabels: Record<Role, string> = {
  viewer: "viewer (reads)",
  operator: "operator (acts on syncs)",
  admin: "admin (also users and tokens)",
};
