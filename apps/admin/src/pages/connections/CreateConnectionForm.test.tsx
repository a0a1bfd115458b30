// @vitest-environment happy-dom

import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CreateConnectionForm } from "./CreateConnectionForm.tsx";

const tenants = [{ id: "00000000-0000-4000-8000-000000000001", name: "Acme Corp" }];

afterEach(cleanup);

/** The message a field's aria-describedby points at (its hint aside). */
function errorOf(field: HTMLElement): string | undefined {
  const ids = (field.getAttribute("aria-describedby") ?? "").split(" ");
  const errorId = ids.find((id) => id.endsWith("-error"));
  return errorId ? (document.getElementById(errorId)?.textContent ?? undefined) : undefined;
}

describe("the new connection form", () => {
  it("shows the schema's messages under an empty name and a bad base URL and sends nothing", async () => {
    const onSubmit = vi.fn(async () => {});
    const user = userEvent.setup();
    render(<CreateConnectionForm tenants={tenants} onSubmit={onSubmit} />);

    await user.selectOptions(screen.getByLabelText("Tenant"), "Acme Corp");
    await user.type(screen.getByLabelText("Base URL"), "ftp://not-http");
    await user.type(screen.getByLabelText("Admin key"), "sk-admin-1");
    await user.click(screen.getByRole("button", { name: "Create connection" }));

    const name = screen.getByLabelText("Name");
    const baseUrl = screen.getByLabelText("Base URL");
    expect(await screen.findByText("Enter a name")).toBeTruthy();
    expect(screen.getByText("Enter a valid URL starting with http:// or https://")).toBeTruthy();
    // Each message is tied to its own field, as a screen reader announces it.
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(errorOf(name)).toBe("Enter a name");
    expect(errorOf(baseUrl)).toBe("Enter a valid URL starting with http:// or https://");
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("asks for the credentials of the provider picked, and sends a valid form once", async () => {
    const onSubmit = vi.fn(async () => {});
    const user = userEvent.setup();
    render(<CreateConnectionForm tenants={tenants} onSubmit={onSubmit} />);

    await user.selectOptions(screen.getByLabelText("Provider"), "volcengine");
    expect(screen.queryByLabelText("Admin key")).toBeNull();
    await user.selectOptions(screen.getByLabelText("Tenant"), "Acme Corp");
    await user.type(screen.getByLabelText("Name"), "Acme cloud");
    await user.click(screen.getByRole("button", { name: "Create connection" }));
    expect(await screen.findByText("Volcano Engine access key id (AK) is required")).toBeTruthy();
    expect(screen.getByText("Volcano Engine secret access key (SK) is required")).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();

    await user.type(screen.getByLabelText("Access key id (AK)"), "AK1");
    await user.type(screen.getByLabelText("Secret access key (SK)"), "SK1");
    await user.click(screen.getByRole("button", { name: "Create connection" }));
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit).toHaveBeenCalledWith({
      tenantId: tenants[0]!.id,
      provider: "volcengine",
      name: "Acme cloud",
      baseUrl: null,
      credentials: { accessKeyId: "AK1", secretAccessKey: "SK1" },
    });
  });
});
