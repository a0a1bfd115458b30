import { createFileRoute } from "@tanstack/react-router";
import { DeadLettersPage } from "../pages/DeadLettersPage.tsx";

export const Route = createFileRoute("/dead-letters")({
  staticData: { title: "Dead letters", nav: { label: "Dead letters", order: 50 } },
  component: DeadLettersPage,
});
