import { createFileRoute } from "@tanstack/react-router";
import { ConnectionDetailPage } from "../pages/connections/ConnectionDetailPage.tsx";

export const Route = createFileRoute("/connections/$id")({
  component: function ConnectionRoute() {
    return <ConnectionDetailPage id={Route.useParams().id} />;
  },
});
