import { createFileRoute } from "@tanstack/react-router";
import { ScheduleDetailPage } from "../pages/schedules/ScheduleDetailPage.tsx";

export const Route = createFileRoute("/schedules/$id")({
  component: function ScheduleRoute() {
    return <ScheduleDetailPage id={Route.useParams().id} />;
  },
});
