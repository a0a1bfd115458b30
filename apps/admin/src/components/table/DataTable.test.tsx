// @vitest-environment happy-dom

import { type ColumnDef, createColumnHelper, type SortingState } from "@tanstack/react-table";
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { DataTable } from "./DataTable.tsx";

interface Fruit {
  id: string;
  name: string;
  stock: number;
}
const column = createColumnHelper<Fruit>();
const columns = [
  column.accessor("name", { header: "Name" }),
  column.accessor("stock", { header: "Stock", meta: { numeric: true } }),
] as ColumnDef<Fruit, never>[];
const all: Fruit[] = Array.from({ length: 5 }, (_, i) => ({
  id: String(i),
  name: `fruit ${i}`,
  stock: i * 10,
}));

/** A page of a list the way the server hands it out: two rows at a time, sorted as asked. */
function ServerList() {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [pages, setPages] = useState(1);
  const desc = sorting[0]?.desc === true;
  const sorted = [...all].sort((a, b) => (desc ? b.stock - a.stock : a.stock - b.stock));
  const rows = sorted.slice(0, pages * 2);
  const hasNextPage = rows.length < sorted.length;
  return (
    <DataTable
      caption="Fruit"
      columns={columns}
      rows={rows}
      getRowId={(row) => row.id}
      sorting={{ state: sorting, onChange: setSorting }}
      paging={{
        query: {
          data: { pages: Array.from({ length: pages }) },
          hasNextPage,
          isFetchingNextPage: false,
          fetchNextPage: async () => setPages((n) => n + 1),
        },
        total: all.length,
        one: "fruit",
        many: "fruits",
      }}
      empty={{ title: "No fruit" }}
    />
  );
}

function bodyNames(): string[] {
  const table = screen.getByRole("table", { name: "Fruit" });
  return within(table)
    .getAllByRole("row")
    .slice(1)
    .map((row) => within(row).getAllByRole("cell")[0]?.textContent ?? "");
}

afterEach(cleanup);

describe("DataTable", () => {
  it("pages to the end with Load more and says when every row is shown", async () => {
    const user = userEvent.setup();
    render(<ServerList />);
    expect(bodyNames()).toEqual(["fruit 0", "fruit 1"]);
    expect(screen.getByText("2 of 5 fruits shown")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Load more" }));
    await user.click(screen.getByRole("button", { name: "Load more" }));
    expect(bodyNames()).toHaveLength(5);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    expect(screen.getByText("5 fruits shown, all of them")).toBeTruthy();
  });

  it("asks the server for the other order when a sortable header is clicked, and marks it", async () => {
    const user = userEvent.setup();
    render(<ServerList />);
    const header = screen.getByRole("columnheader", { name: /Stock/ });
    expect(header.getAttribute("aria-sort")).toBeNull();
    // A number column sorts high-to-low first, as TanStack Table does by default.
    await user.click(within(header).getByRole("button"));
    expect(screen.getByRole("columnheader", { name: /Stock/ }).getAttribute("aria-sort")).toBe("descending");
    expect(bodyNames()).toEqual(["fruit 4", "fruit 3"]);
  });

  it("labels each cell with its column, for the stacked rows phones get", () => {
    render(<ServerList />);
    const cells = screen.getAllByRole("cell");
    expect(cells.map((cell) => cell.getAttribute("data-label")).slice(0, 2)).toEqual(["Name", "Stock"]);
  });

  it("shows the empty state instead of an empty table", () => {
    render(
      <DataTable
        caption="Fruit"
        columns={columns}
        rows={[]}
        getRowId={(row) => row.id}
        empty={{ title: "No fruit", body: "Add some first." }}
      />,
    );
    expect(screen.queryByRole("table")).toBeNull();
    expect(screen.getByText("No fruit")).toBeTruthy();
    expect(screen.getByText("Add some first.")).toBeTruthy();
  });
});
