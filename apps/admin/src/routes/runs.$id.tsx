import { createFileRoute } from "@tanstack/react-router";
import { RunDetailPage } from "../pages/runs/RunDetailPage.tsx";

export const Route = createFileRoute("/runs/$id")({
  component: function RunRoute() {
    return <RunDetailPage id={Route.useParams().id} />;
  },
});
